// RUN: lp-opt %s --lp-guard-exp-underflow | FileCheck %s
// RUN: lp-opt %s --lp-guard-exp-underflow | %mlir_opt > /dev/null

// lp-guard-exp-underflow (lib/Codegen/GuardExpUnderflow.cpp): f32 exp never
// sees an input below -104 (where the result rounds to +0): the input is
// replaced by 0 and the result by the exact 0, so vector exp routines stay
// on their fast path. Other types are untouched.

// CHECK-LABEL: func.func @f32_exp_is_guarded
// CHECK-DAG: %[[LOW:.*]] = arith.constant -1.040000e+02 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[U:.*]] = arith.cmpf olt, %arg0, %[[LOW]] : f32
// CHECK: %[[A:.*]] = arith.select %[[U]], %[[ZERO]], %arg0 : f32
// CHECK: %[[E:.*]] = math.exp %[[A]] : f32
// CHECK: %[[R:.*]] = arith.select %[[U]], %[[ZERO]], %[[E]] : f32
// CHECK: return %[[R]]
// CHECK-NOT: lp.guarded
func.func @f32_exp_is_guarded(%x: f32) -> f32 {
  %e = math.exp %x : f32
  return %e : f32
}

// CHECK-LABEL: func.func @f64_exp_untouched
// CHECK-NEXT: math.exp %arg0 : f64
// CHECK-NEXT: return
func.func @f64_exp_untouched(%x: f64) -> f64 {
  %e = math.exp %x : f64
  return %e : f64
}
