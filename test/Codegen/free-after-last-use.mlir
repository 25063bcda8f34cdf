// RUN: lp-opt %s --lp-free-after-last-use --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-free-after-last-use --split-input-file | %mlir_opt --split-input-file > /dev/null

// lp-free-after-last-use (lib/Codegen/FreeAfterLastUse.cpp): a dealloc at
// the end of a function's body moves to just after the last op that uses
// the buffer or a view of it.

// CHECK-LABEL: func.func @moved
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[B:.*]] = memref.alloc() : memref<4xf32>
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%[[A]]
// CHECK-NEXT: memref.copy %[[A]], %[[B]]
// CHECK-NEXT: memref.dealloc %[[A]]
// A view keeps its buffer: B is freed after the view's last use, which
// is nested in a loop (the loop is the use).
// CHECK-NEXT: %[[V:.*]] = memref.subview %[[B]]
// CHECK-NEXT: scf.for
// CHECK: }
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.copy %arg0, %arg1
// CHECK-NEXT: return
func.func @moved(%x: memref<4xf32>, %out: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %f = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<4xf32>
  %b = memref.alloc() : memref<4xf32>
  linalg.fill ins(%f : f32) outs(%a : memref<4xf32>)
  memref.copy %a, %b : memref<4xf32> to memref<4xf32>
  %v = memref.subview %b[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  scf.for %i = %c0 to %c2 step %c1 {
    memref.store %f, %v[%i] : memref<2xf32, strided<[1]>>
  }
  memref.copy %x, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  memref.dealloc %b : memref<4xf32>
  return
}

// -----

// A dealloc inside a nested region stays there.
// CHECK-LABEL: func.func @nested
// CHECK: scf.if
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: memref.dealloc
func.func @nested(%p: i1) {
  scf.if %p {
    %t = memref.alloc() : memref<4xf32>
    memref.dealloc %t : memref<4xf32>
  }
  return
}

// -----

// A buffer that may be aliased where the pass cannot see keeps its dealloc
// (here after a later, unrelated op): stored to memory, or yielded out of
// a loop.
// CHECK-LABEL: func.func @stored
// CHECK: memref.store %[[A:.*]], %arg0[]
// CHECK-NEXT: memref.copy
// CHECK-NEXT: memref.dealloc %[[A]]
func.func @stored(%box: memref<memref<4xf32>>, %x: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.store %a, %box[] : memref<memref<4xf32>>
  memref.copy %x, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}

// -----

// The loop's result is the buffer: the copy after the loop reads it.
// CHECK-LABEL: func.func @yielded
// CHECK: %[[A:.*]] = memref.alloc() : memref<4xf32>
// CHECK: %[[R:.*]] = scf.while
// CHECK: memref.copy %[[R]], %arg1
// CHECK-NEXT: memref.dealloc %[[A]]
func.func @yielded(%p: i1, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %r = scf.while (%i = %p) : (i1) -> memref<4xf32> {
    scf.condition(%i) %a : memref<4xf32>
  } do {
  ^bb0(%m: memref<4xf32>):
    %false = arith.constant false
    scf.yield %false : i1
  }
  memref.copy %r, %out : memref<4xf32> to memref<4xf32>
  memref.dealloc %a : memref<4xf32>
  return
}
