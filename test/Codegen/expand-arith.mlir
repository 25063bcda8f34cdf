// RUN: lp-opt %s --lp-expand-arith --split-input-file | FileCheck %s

// A minimum that updates a memory location in place (a running minimum
// over a batch) stays arith.minimumf, for llvm.minimum; every other
// minimumf/maximumf becomes arith-expand's compares and selects; bf16
// extensions and floor divisions are expanded as by arith-expand.

// CHECK-LABEL: func.func @running_min
// CHECK: %[[OLD:.*]] = memref.load %[[ACC:.*]][%{{.*}}]
// CHECK: %[[M:.*]] = arith.minimumf %[[OLD]], %{{.*}} : f32
// CHECK: memref.store %[[M]], %[[ACC]]
func.func @running_min(%acc: memref<8xf32>, %x: f32, %i: index) {
  %old = memref.load %acc[%i] : memref<8xf32>
  %m = arith.minimumf %old, %x : f32
  memref.store %m, %acc[%i] : memref<8xf32>
  return
}

// -----

// CHECK-LABEL: func.func @elsewhere
// CHECK-NOT: arith.maximumf
// CHECK: %[[GT:.*]] = arith.cmpf ugt, %[[A:.*]], %[[B:.*]] : f32
// CHECK: %[[PICK:.*]] = arith.select %[[GT]], %[[A]], %[[B]]
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[B]], %[[B]]
// CHECK: arith.select %[[NAN]], %[[B]], %[[PICK]]
// Stored elsewhere than where it was loaded from: expanded too.
// CHECK: arith.cmpf ult
// CHECK-NOT: arith.minimumf
func.func @elsewhere(%acc: memref<8xf32>, %out: memref<8xf32>, %a: f32, %b: f32, %i: index) -> f32 {
  %m = arith.maximumf %a, %b : f32
  %old = memref.load %acc[%i] : memref<8xf32>
  %n = arith.minimumf %old, %a : f32
  memref.store %n, %out[%i] : memref<8xf32>
  return %m : f32
}

// -----

// CHECK-LABEL: func.func @bf16_and_floordiv
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.floordivsi
func.func @bf16_and_floordiv(%x: bf16, %a: i32, %b: i32) -> (f32, i32) {
  %e = arith.extf %x : bf16 to f32
  %d = arith.floordivsi %a, %b : i32
  return %e, %d : f32, i32
}
