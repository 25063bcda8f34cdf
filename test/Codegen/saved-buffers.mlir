// RUN: lp-opt %s --lp-saved-buffers -o /dev/null | FileCheck %s
// RUN: lp-opt %s --lp-saved-buffers=function=accumulated -o /dev/null | FileCheck %s --check-prefix=ONE
// RUN: lp-opt %s --lp-strip-markers | FileCheck %s --check-prefix=STRIP

// lp-saved-buffers (lib/Codegen/SavedBuffers.cpp): the buffers a function
// allocates before lp.backward_begin and uses after it, directly, through
// a view or by freeing them. In @step: %a (4x8 f32, 128 bytes) is read
// after the marker, %b (16 bf16, 32 bytes) through a reshape, %c (8 f32)
// is only freed after it (32 bytes, held); %d is used only before, %e is
// allocated after, and the argument is not counted: f32 160, bf16 32.
// CHECK-LABEL: saved buffers: @step
// CHECK-NEXT: live across backward_begin: bf16 32, f32 160 (3 buffers)
// Also the bytes the body allocates (128 + 32 + 32 + 4096 + 128) and the
// most it holds at once (before %d is freed: 128 + 32 + 32 + 4096).
// CHECK-NEXT: allocated: 4416, held at most: 4288
// With one marker per micro-batch, the largest count: the second marker
// has %x (64 bytes) and %y (4 bytes) across it, the first only %x.
// CHECK-LABEL: saved buffers: @accumulated
// CHECK-NEXT: live across backward_begin: f32 64, i32 4 (2 buffers)
// CHECK-NEXT: allocated: 68, held at most: 68
// A function without a marker is not reported.
// CHECK-NOT: @eval

// ONE-NOT: @step
// ONE: saved buffers: @accumulated

// STRIP-NOT: lp.backward_begin

func.func @step(%arg: memref<4x8xf32>, %out: memref<4x8xf32>) {
  %f = arith.constant 1.0 : f32
  %a = memref.alloc() : memref<4x8xf32>
  %b = memref.alloc() : memref<16xbf16>
  %c = memref.alloc() : memref<8xf32>
  %d = memref.alloc() : memref<1024xf32>
  linalg.fill ins(%f : f32) outs(%a : memref<4x8xf32>)
  linalg.fill ins(%f : f32) outs(%d : memref<1024xf32>)
  memref.dealloc %d : memref<1024xf32>
  lp.backward_begin
  %e = memref.alloc() : memref<4x8xf32>
  %r = memref.expand_shape %b [[0, 1]] output_shape [4, 4] : memref<16xbf16> into memref<4x4xbf16>
  memref.copy %a, %e : memref<4x8xf32> to memref<4x8xf32>
  memref.copy %e, %out : memref<4x8xf32> to memref<4x8xf32>
  memref.copy %arg, %out : memref<4x8xf32> to memref<4x8xf32>
  memref.dealloc %a : memref<4x8xf32>
  memref.dealloc %b : memref<16xbf16>
  memref.dealloc %c : memref<8xf32>
  memref.dealloc %e : memref<4x8xf32>
  return
}

func.func @accumulated(%out: memref<16xf32>) {
  %x = memref.alloc() : memref<16xf32>
  lp.backward_begin
  %y = memref.alloc() : memref<i32>
  lp.backward_begin
  memref.copy %x, %out : memref<16xf32> to memref<16xf32>
  memref.dealloc %y : memref<i32>
  memref.dealloc %x : memref<16xf32>
  return
}

func.func @eval(%out: memref<16xf32>) {
  %x = memref.alloc() : memref<16xf32>
  memref.dealloc %x : memref<16xf32>
  return
}
