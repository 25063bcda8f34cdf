// RUN: lp-opt %s --split-input-file --lp-map-to-gpu --canonicalize --cse | FileCheck %s
// RUN: lp-opt %s --split-input-file --lp-map-to-gpu="block-size=32" --canonicalize | FileCheck %s --check-prefix=B32

// An elementwise op of any rank: its iterations flattened onto one grid,
// the last dimension fastest, guarded against the remainder.
// CHECK-LABEL: func.func @elementwise
// CHECK-DAG: %[[N:.*]] = arith.constant 640 : index
// CHECK-DAG: %[[G:.*]] = arith.constant 3 : index
// CHECK-DAG: %[[B:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[G]], %{{.*}}, %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%[[BD:.*]] = %[[B]],
// CHECK: %[[M:.*]] = arith.muli %[[BX]], %[[BD]]
// CHECK: %[[I:.*]] = arith.addi %[[M]], %[[TX]]
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[I]], %[[N]]
// CHECK: scf.if %[[IN]] {
// CHECK-DAG: arith.remsi %[[I]], %c10
// CHECK-DAG: arith.divsi %[[I]], %c10
// CHECK: memref.load %arg0
// CHECK: math.exp
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: linalg.
// B32-LABEL: func.func @elementwise
// B32: arith.constant 20 : index
// B32: arith.constant 32 : index
func.func @elementwise(%a: memref<64x10xf32>, %b: memref<64x10xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<64x10xf32>) outs(%b : memref<64x10xf32>) {
  ^bb0(%x: f32, %y: f32):
    %e = math.exp %x : f32
    linalg.yield %e : f32
  }
  return
}

// -----

// A bias gradient (iterators [reduction, parallel]) runs one thread per
// column, the reduction a loop inside the thread; a nest smaller than a
// block is one block of its size.
// CHECK-LABEL: func.func @column_sum
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c128,
// CHECK: scf.if
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c64
// CHECK: arith.addf
func.func @column_sum(%a: memref<64x128xf32>, %b: memref<128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(r, c) -> (r, c)>, affine_map<(r, c) -> (c)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<64x128xf32>) outs(%b : memref<128xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction of a whole tensor and the fill of a 0-d buffer run in one
// one-thread launch; allocations and deallocations stay on the host.
// CHECK-LABEL: func.func @total
// CHECK: %[[T:.*]] = memref.alloc() : memref<f32>
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c1, %{{.*}} = %c1, %{{.*}} = %c1) threads({{.*}}) in (%{{.*}} = %c1, %{{.*}} = %c1, %{{.*}} = %c1)
// CHECK: memref.store %{{.*}}, %[[T]][]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: gpu.terminator
// CHECK-NOT: gpu.launch
// CHECK: memref.dealloc %[[T]]
func.func @total(%a: memref<4x8xf32>, %out: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  %t = memref.alloc() : memref<f32>
  linalg.fill ins(%zero : f32) outs(%t : memref<f32>)
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>],
                  iterator_types = ["reduction", "reduction"]}
      ins(%a : memref<4x8xf32>) outs(%t : memref<f32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  memref.copy %t, %out : memref<f32> to memref<f32>
  memref.dealloc %t : memref<f32>
  return
}

// -----

// memref.copy becomes a launch of loads and stores (any layout).
// CHECK-LABEL: func.func @copy
// CHECK: gpu.launch
// CHECK: memref.load %arg0
// CHECK: memref.store %{{.*}}, %arg1
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<4x8xf32, strided<[16, 1]>>, %b: memref<4x8xf32>) {
  memref.copy %a, %b : memref<4x8xf32, strided<[16, 1]>> to memref<4x8xf32>
  return
}

// -----

// A scalar the host would read from a buffer (the all-finite flag of loss
// scaling) is read inside the launch that uses it; the buffer it reads is
// freed at the end of the function.
// CHECK-LABEL: func.func @scalar
// CHECK: %[[FLAG:.*]] = memref.alloc() : memref<i1>
// CHECK: gpu.launch
// CHECK: memref.store %true, %[[FLAG]][]
// CHECK: gpu.launch
// CHECK: scf.if
// CHECK: %[[F:.*]] = memref.load %[[FLAG]][] : memref<i1>
// CHECK: arith.select %[[F]]
// CHECK: gpu.terminator
// CHECK: memref.dealloc %[[FLAG]]
// CHECK-NEXT: return
func.func @scalar(%a: memref<16xf32>, %b: memref<16xf32>) {
  %true = arith.constant true
  %flag = memref.alloc() : memref<i1>
  memref.store %true, %flag[] : memref<i1>
  %f = memref.load %flag[] : memref<i1>
  memref.dealloc %flag : memref<i1>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<16xf32>) outs(%b : memref<16xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.select %f, %x, %y : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A constant the host holds as a global is read through the global inside
// the launch (outlining copies it into the kernels' module).
// CHECK-LABEL: func.func @table
// CHECK-NOT: memref.get_global
// CHECK: gpu.launch
// CHECK: memref.get_global @lut : memref<4xf32>
// CHECK: gpu.terminator
func.func @table(%x: memref<4xf32>, %y: memref<4xf32>) {
  %g = memref.get_global @lut : memref<4xf32>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%x, %g : memref<4xf32>, memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}
memref.global "private" constant @lut : memref<4xf32> = dense<[1.0, 2.0, 3.0, 4.0]>

// -----

// A batch of library products (lp-linalg-to-blas cuda) stays a host loop
// of calls.
// CHECK-LABEL: func.func @products
// CHECK-NOT: gpu.launch
// CHECK: scf.for
// CHECK: call @lp_cuda_sgemm
func.func @products(%a: memref<4x8x16xf32>, %b: memref<4x16x8xf32>, %c: memref<4x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %i0 = arith.constant 0 : i32
  %f0 = arith.constant 0.0 : f32
  %p = llvm.mlir.zero : !llvm.ptr
  scf.for %i = %c0 to %c4 step %c1 {
    func.call @lp_cuda_sgemm(%i0, %i0, %i0, %i0, %i0, %i0, %f0, %p, %i0, %p, %i0, %f0, %p, %i0)
        : (i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32) -> ()
  }
  return
}
func.func private @lp_cuda_sgemm(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32)
