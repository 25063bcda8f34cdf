// RUN: lp-opt %s --lp-fold-result-copies --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-fold-result-copies --split-input-file | %mlir_opt --split-input-file | FileCheck %s

// lp-fold-result-copies (lib/Codegen/FoldResultCopies.cpp): a result that
// buffer-results-to-out-params copies into an out-parameter is computed in
// the out-parameter instead, when the copied buffer is a fresh static
// allocation of the function (or a collapse_shape of one) that nothing uses
// after the copy and the out-parameter has no other use.

// CHECK-LABEL: func.func private @fresh_result(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<4xf32>, %[[OUT:[a-z0-9]+]]: memref<4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.exp ins(%[[X]] : memref<4xf32>) outs(%[[OUT]] : memref<4xf32>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func private @fresh_result(%x: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A collapsed view of a fresh buffer: the buffer becomes an expand_shape
// of the out-parameter, and the view's other (earlier) users read the
// out-parameter.
// CHECK-LABEL: func.func private @collapsed_result(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<2x3xf32>, %[[OUT:[a-z0-9]+]]: memref<6xf32>, %[[SUM:[a-z0-9]+]]: memref<6xf32>)
// CHECK: %[[E:.*]] = memref.expand_shape %[[OUT]] {{\[\[}}0, 1]] output_shape [2, 3] : memref<6xf32> into memref<2x3xf32>
// CHECK-NOT: memref.alloc
// CHECK: linalg.exp ins(%[[X]] : memref<2x3xf32>) outs(%[[E]] : memref<2x3xf32>)
// CHECK: linalg.add ins(%[[OUT]], %[[OUT]] : memref<6xf32>, memref<6xf32>) outs(%[[SUM]] : memref<6xf32>)
// CHECK-NOT: memref.copy
// CHECK: return
func.func private @collapsed_result(%x: memref<2x3xf32>, %out: memref<6xf32>, %sum: memref<6xf32>) {
  %a = memref.alloc() : memref<2x3xf32>
  linalg.exp ins(%x : memref<2x3xf32>) outs(%a : memref<2x3xf32>)
  %c = memref.collapse_shape %a [[0, 1]] : memref<2x3xf32> into memref<6xf32>
  linalg.add ins(%c, %c : memref<6xf32>, memref<6xf32>) outs(%sum : memref<6xf32>)
  memref.copy %c, %out : memref<6xf32> to memref<6xf32>
  return
}

// -----

// Left alone: a buffer used after the copy (also through a view), an
// argument buffer (not fresh),
// an out-parameter with another use, a dynamic allocation, and a non-identity
// out-parameter layout. One buffer copied into two out-parameters keeps the
// first copy, and the second out-parameter takes the buffer's place.
// CHECK-LABEL: func.func private @used_after(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK-LABEL: func.func private @argument_source(
// CHECK: memref.copy
// CHECK-LABEL: func.func private @out_used_twice(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK-LABEL: func.func private @dynamic(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK-LABEL: func.func private @strided_out(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK-LABEL: func.func private @written_through_a_view_after(
// CHECK: memref.alloc
// CHECK: memref.copy
// CHECK-LABEL: func.func private @returned_twice(
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<4xf32>, %[[O1:[a-z0-9]+]]: memref<4xf32>, %[[O2:[a-z0-9]+]]: memref<4xf32>)
// CHECK-NOT: memref.alloc
// CHECK: linalg.exp ins(%[[X]] : memref<4xf32>) outs(%[[O2]] : memref<4xf32>)
// CHECK-NEXT: memref.copy %[[O2]], %[[O1]]
// CHECK-NEXT: return
func.func private @used_after(%x: memref<4xf32>, %out: memref<4xf32>, %y: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  linalg.exp ins(%a : memref<4xf32>) outs(%y : memref<4xf32>)
  return
}
func.func private @argument_source(%x: memref<4xf32>, %out: memref<4xf32>) {
  memref.copy %x, %out : memref<4xf32> to memref<4xf32>
  return
}
func.func private @out_used_twice(%x: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.exp ins(%out : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}
func.func private @dynamic(%x: memref<?xf32>, %out: memref<?xf32>, %n: index) {
  %a = memref.alloc(%n) : memref<?xf32>
  linalg.exp ins(%x : memref<?xf32>) outs(%a : memref<?xf32>)
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  return
}
func.func private @strided_out(%x: memref<4xf32>, %out: memref<4xf32, strided<[2]>>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32, strided<[2]>>
  return
}
func.func private @written_through_a_view_after(%x: memref<4xf32>, %out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  %v = memref.subview %a[0] [2] [1] : memref<4xf32> to memref<2xf32, strided<[1]>>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%v : memref<2xf32, strided<[1]>>)
  return
}
func.func private @returned_twice(%x: memref<4xf32>, %o1: memref<4xf32>, %o2: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
  memref.copy %a, %o1 : memref<4xf32> to memref<4xf32>
  memref.copy %a, %o2 : memref<4xf32> to memref<4xf32>
  return
}
