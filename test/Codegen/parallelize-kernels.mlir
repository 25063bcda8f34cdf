// RUN: lp-opt %s --lp-parallelize-kernels="threads=2" | FileCheck %s
// RUN: lp-opt %s --lp-parallelize-kernels="threads=4 min-work=1" | FileCheck %s --check-prefix=ALL

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// A large elementwise op: two blocks of 2048 rows, each the same generic on
// a subview with a static offset (one case of an scf.index_switch on the
// chunk index of an scf.parallel).
// CHECK-LABEL: func.func @large
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.parallel (%[[I:.*]]) = (%[[C0]]) to (%[[C2]]) step (%[[C1]])
// CHECK-NEXT: scf.index_switch %[[I]]
// CHECK-NEXT: case 0 {
// CHECK-NEXT: %[[IN0:.*]] = memref.subview %arg0[0, 0] [2048, 64] [1, 1] : memref<4096x64xf32> to memref<2048x64xf32, strided<[64, 1]>>
// CHECK-NEXT: %[[OUT0:.*]] = memref.subview %arg1[0, 0] [2048, 64] [1, 1]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[IN0]] : {{.*}}) outs(%[[OUT0]] : {{.*}})
// CHECK: math.exp
// CHECK: default {
// CHECK-NEXT: %[[IN1:.*]] = memref.subview %arg0[2048, 0] [2048, 64] [1, 1] : memref<4096x64xf32> to memref<2048x64xf32, strided<[64, 1], offset: 131072>>
// CHECK-NEXT: %[[OUT1:.*]] = memref.subview %arg1[2048, 0] [2048, 64] [1, 1]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[IN1]] : {{.*}}) outs(%[[OUT1]] : {{.*}})
func.func @large(%a: memref<4096x64xf32>, %b: memref<4096x64xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4096x64xf32>) outs(%b : memref<4096x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  return
}

// Row sums: the outer loop is parallel, so rows are split too.
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.parallel
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
func.func @row_sums(%a: memref<4096x64xf32>, %s: memref<4096xf32>) {
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<4096x64xf32>) outs(%s : memref<4096xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %acc, %x : f32
    linalg.yield %r : f32
  }
  return
}

// Column sums reduce over the outer loop: left alone. So are small ops
// (below min-work, 262144 points by default) and tensors.
// CHECK-LABEL: func.func @col_sums
// CHECK-NOT: scf.parallel
// ALL-LABEL: func.func @col_sums
// ALL-NOT: scf.parallel
func.func @col_sums(%a: memref<4096x64xf32>, %s: memref<64xf32>) {
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<4096x64xf32>) outs(%s : memref<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %r = arith.addf %acc, %x : f32
    linalg.yield %r : f32
  }
  return
}

// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.parallel
// CHECK: return
// With min-work=1 and 4 threads: 4 chunks of 2 rows (8 rows), the last in
// the default case.
// ALL-LABEL: func.func @small
// ALL: scf.parallel
// ALL: case 0 {
// ALL: memref.subview %arg0[0, 0] [2, 4] [1, 1]
// ALL: case 2 {
// ALL: memref.subview %arg0[4, 0] [2, 4] [1, 1]
// ALL: default {
// ALL: memref.subview %arg0[6, 0] [2, 4] [1, 1]
func.func @small(%a: memref<8x4xf32>, %b: memref<8x4xf32>) {
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<8x4xf32>) outs(%b : memref<8x4xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  }
  return
}

// CHECK-LABEL: func.func @on_tensors
// CHECK-NOT: scf.parallel
func.func @on_tensors(%a: tensor<2048x64xf32>) -> tensor<2048x64xf32> {
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<2048x64xf32>) outs(%a : tensor<2048x64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %n = arith.negf %x : f32
    linalg.yield %n : f32
  } -> tensor<2048x64xf32>
  return %r : tensor<2048x64xf32>
}

// A body that uses the outer loop's index (here to load from a buffer that
// is not an operand, as window gradients do): each chunk after the first
// adds its first row to linalg.index 0; other indices are unchanged.
// CHECK-LABEL: func.func @outer_index_is_global
// CHECK: scf.index_switch
// CHECK: case 0 {
// CHECK: linalg.generic
// CHECK: %[[I0:.*]] = linalg.index 0 : index
// CHECK-NOT: arith.addi %[[I0]]
// CHECK: memref.load %arg1[%[[I0]]
// CHECK: default {
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK-NEXT: %[[OFF:.*]] = arith.constant 2048 : index
// CHECK-NEXT: %[[G:.*]] = arith.addi %[[I]], %[[OFF]] : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK: memref.load %arg1[%[[G]], %[[J]]]
func.func @outer_index_is_global(%out: memref<4096x128xf32>, %table: memref<4096x128xf32>) {
  linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%out : memref<4096x128xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %v = memref.load %table[%i, %j] : memref<4096x128xf32>
    linalg.yield %v : f32
  }
  return
}
