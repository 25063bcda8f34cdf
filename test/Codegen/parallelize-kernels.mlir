// RUN: lp-opt %s --lp-parallelize-kernels="threads=2" | FileCheck %s
// RUN: lp-opt %s --lp-parallelize-kernels="threads=3 min-work=1" | FileCheck %s --check-prefix=ALL
// RUN: lp-opt %s --lp-parallelize-kernels | FileCheck %s --check-prefix=RUNTIME
// RUN: lp-opt %s --lp-parallelize-kernels="threads=1 min-work=1" | FileCheck %s --check-prefix=NONE

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d0)>
#col = affine_map<(d0, d1) -> (d1)>

// NONE-NOT: scf.parallel

// A large elementwise op, threads=2: an scf.parallel over 2 blocks of 2048
// rows, each the same generic on subviews of the block's rows.
// CHECK-LABEL: func.func @large
// CHECK-DAG: %[[SIZE:.*]] = arith.constant 2048 : index
// CHECK-DAG: %[[COUNT:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[ROWS:.*]] = arith.constant 4096 : index
// CHECK: scf.parallel (%[[I:.*]]) = (%[[C0]]) to (%[[COUNT]]) step (%[[C1]])
// CHECK-NEXT: %[[FIRST:.*]] = arith.muli %[[I]], %[[SIZE]] : index
// CHECK-NEXT: %[[LEFT:.*]] = arith.subi %[[ROWS]], %[[FIRST]] : index
// CHECK-NEXT: %[[N:.*]] = arith.minsi %[[SIZE]], %[[LEFT]] : index
// CHECK-NEXT: %[[IN:.*]] = memref.subview %arg0[%[[FIRST]], 0] [%[[N]], 64] [1, 1] : memref<4096x64xf32> to memref<?x64xf32, strided<[64, 1], offset: ?>>
// CHECK-NEXT: %[[OUT:.*]] = memref.subview %arg1[%[[FIRST]], 0] [%[[N]], 64] [1, 1]
// CHECK-NEXT: linalg.generic {{.*}} ins(%[[IN]] : {{.*}}) outs(%[[OUT]] : {{.*}})
// CHECK: math.exp
// CHECK-NOT: linalg.generic
// CHECK: return
// With threads=0 (the default) the runtime says how many threads there are
// when the step runs.
// RUNTIME: func.func private @lp_num_threads() -> index
// RUNTIME-LABEL: func.func @large
// RUNTIME-DAG: %[[ROWS:.*]] = arith.constant 4096 : index
// RUNTIME: %[[T:.*]] = call @lp_num_threads() : () -> index
// RUNTIME: %[[SIZE:.*]] = arith.ceildivui %[[ROWS]], %[[T]] : index
// RUNTIME: %[[COUNT:.*]] = arith.ceildivui %[[ROWS]], %[[SIZE]] : index
// RUNTIME: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[COUNT]])
// RUNTIME-NEXT: arith.muli %[[I]], %[[SIZE]] : index
// RUNTIME: linalg.generic
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
// With min-work=1 and 3 threads: 3 blocks of 3 rows (8 rows; the last block
// has 2).
// ALL-LABEL: func.func @small
// ALL-DAG: arith.constant 3 : index
// ALL-DAG: %[[ROWS:.*]] = arith.constant 8 : index
// ALL: scf.parallel
// ALL: arith.subi %[[ROWS]]
// ALL: memref.subview %arg0[%{{.*}}, 0] [%{{.*}}, 4] [1, 1]
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
// is not an operand, as window gradients do): each block adds its first row
// to linalg.index 0; other indices are unchanged.
// CHECK-LABEL: func.func @outer_index_is_global
// CHECK: scf.parallel (%[[B:.*]]) =
// CHECK: %[[FIRST:.*]] = arith.muli %[[B]]
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK-NEXT: %[[G:.*]] = arith.addi %[[I]], %[[FIRST]] : index
// CHECK: %[[J:.*]] = linalg.index 1 : index
// CHECK-NOT: arith.addi %[[J]]
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
