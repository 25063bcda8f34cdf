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

// -----

// extf(truncf(x)) is x when x already holds a bf16 value: a select of a
// widened bf16 and a zero. No rounding is left (its expansion would shift
// right); the widening of %a is the only expanded op.
// CHECK-LABEL: func.func @widened_rounding_of_a_bf16_value
// CHECK-SAME: (%[[A:.*]]: bf16, %[[C:.*]]: i1)
// CHECK-NOT: arith.shrui
// CHECK: %[[S:.*]] = arith.select %[[C]], %{{.*}}, %{{.*}} : f32
// CHECK-NOT: arith.shrui
// CHECK: %[[R:.*]] = arith.mulf %[[S]], %[[S]] : f32
// CHECK: return %[[R]]
func.func @widened_rounding_of_a_bf16_value(%a: bf16, %c: i1) -> f32 {
  %zero = arith.constant 0.0 : f32
  %w = arith.extf %a : bf16 to f32
  %s = arith.select %c, %w, %zero : f32
  %t = arith.truncf %s : f32 to bf16
  %e = arith.extf %t : bf16 to f32
  %r = arith.mulf %e, %e : f32
  return %r : f32
}

// -----

// Not folded: a product of bf16 values is not one (the rounding changes
// it), nor is a select with a constant that bf16 does not hold (0.1), nor a
// value widened from f16 and rounded to bf16.
// CHECK-LABEL: func.func @roundings_that_change_the_value
// Four bf16 widenings are expanded: %a's and the three of the roundings.
// CHECK-COUNT-4: arith.extui %{{.*}} : i16 to i32
// CHECK-NOT: arith.extui
// CHECK: return
func.func @roundings_that_change_the_value(%a: bf16, %h: f16, %c: i1) -> (f32, f32, f32) {
  %w = arith.extf %a : bf16 to f32
  %p = arith.mulf %w, %w : f32
  %t1 = arith.truncf %p : f32 to bf16
  %e1 = arith.extf %t1 : bf16 to f32
  %tenth = arith.constant 0.1 : f32
  %s = arith.select %c, %w, %tenth : f32
  %t2 = arith.truncf %s : f32 to bf16
  %e2 = arith.extf %t2 : bf16 to f32
  %wh = arith.extf %h : f16 to f32
  %t3 = arith.truncf %wh : f32 to bf16
  %e3 = arith.extf %t3 : bf16 to f32
  return %e1, %e2, %e3 : f32, f32, f32
}
