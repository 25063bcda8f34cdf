// RUN: lp-opt %s --split-input-file --verify-diagnostics --lp-emulate-gpu-launches | FileCheck %s

// A launch becomes loops over its blocks (z, y, x) and the threads of each,
// with the body inside, ids and sizes replaced.
// CHECK-LABEL: func.func @launch
// CHECK-NOT: gpu.
// CHECK: scf.for %[[BZ:.*]] = %c0 to %c1
// CHECK: scf.for %[[BY:.*]] = %c0 to %c1
// CHECK: scf.for %[[BX:.*]] = %c0 to %[[G:.*]] step
// CHECK: scf.for %[[TZ:.*]] = %c0 to %c1
// CHECK: scf.for %[[TY:.*]] = %c0 to %c1
// CHECK: scf.for %[[TX:.*]] = %c0 to %[[B:.*]] step
// CHECK: %[[M:.*]] = arith.muli %[[BX]], %[[B]]
// CHECK: arith.addi %[[M]], %[[TX]]
// CHECK: memref.store
func.func @launch(%m: memref<8xf32>, %v: f32) {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %o = arith.muli %bx, %sx : index
    %i = arith.addi %o, %tx : index
    memref.store %v, %m[%i] : memref<8xf32>
    gpu.terminator
  }
  return
}

// -----

// Threads that wait for each other cannot run one after another.
func.func @barrier(%m: memref<8xf32>, %v: f32) {
  %c1 = arith.constant 1 : index
  // expected-error @+1 {{cannot be emulated: it synchronizes its threads, is asynchronous, has clusters or several blocks}}
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    gpu.barrier
    gpu.terminator
  }
  return
}
