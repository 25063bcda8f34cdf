// RUN: lp-opt %s --lp-guard-exp-underflow | FileCheck %s
// RUN: lp-opt %s --lp-guard-exp-underflow | %mlir_opt > /dev/null

// lp-guard-exp-underflow (lib/Codegen/GuardExpUnderflow.cpp): f32 exp never
// sees an argument whose result is subnormal or 0: the input is clamped at
// -150 (NaN-propagating maximumf), and below -87 exp(y + 64) * exp(-64) is
// computed instead, so vector exp routines stay on their fast path. Other
// types are untouched.

// CHECK-LABEL: func.func @f32_exp_is_guarded
// CHECK: %[[FLOOR:.*]] = arith.constant -1.500000e+02 : f32
// CHECK: %[[Y:.*]] = arith.maximumf %arg0, %[[FLOOR]] : f32
// CHECK: %[[LOW:.*]] = arith.constant -8.700000e+01 : f32
// CHECK: %[[U:.*]] = arith.cmpf olt, %[[Y]], %[[LOW]] : f32
// CHECK: %[[SHIFT:.*]] = arith.constant 6.400000e+01 : f32
// CHECK: %[[S:.*]] = arith.addf %[[Y]], %[[SHIFT]] : f32
// CHECK: %[[A:.*]] = arith.select %[[U]], %[[S]], %[[Y]] : f32
// CHECK: %[[E:.*]] = math.exp %[[A]] : f32
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// exp(-64) = 1.60381e-28
// CHECK-DAG: %[[SCALE:.*]] = arith.constant 1.60381{{[0-9]*}}E-28 : f32
// CHECK: %[[C:.*]] = arith.select %[[U]], %[[SCALE]], %[[ONE]] : f32
// CHECK: %[[R:.*]] = arith.mulf %[[E]], %[[C]] : f32
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
