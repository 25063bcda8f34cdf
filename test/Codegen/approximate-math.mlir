// RUN: lp-opt %s --lp-approximate-math --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-approximate-math --split-input-file | %mlir_opt --split-input-file | FileCheck %s

// lp-approximate-math (lib/Codegen/ApproximateMath.cpp) rewrites math.exp,
// math.log, math.tanh, math.erf (and the other functions upstream has
// polynomial approximations for, e.g. math.sin) on f32 scalars and vectors
// into arithmetic: range reduction, math.fma polynomials and integer bit
// manipulation of the exponent. math.fma, math.floor and math.absf are left;
// they lower to LLVM intrinsics, not libm calls.
//
// Left as they are: f64 (gradient checks need libm's accuracy), f16 and bf16
// (LP computes their math in f32), and math.sqrt (upstream has no polynomial
// for it).

// exp: 2^n * p(r), with 2^n built by shifting n + 127 into the exponent bits.
// CHECK-LABEL: func.func @exp_f32
// CHECK-NOT: math.exp
// CHECK: math.floor
// CHECK: math.fma
// CHECK: %[[BIASED:.*]] = arith.addi %{{.*}}, %{{.*}} : i32
// CHECK: %[[BITS:.*]] = arith.shli %[[BIASED]], %{{.*}} : i32
// CHECK: arith.bitcast %[[BITS]] : i32 to f32
// CHECK-NOT: math.exp
// CHECK: return
func.func @exp_f32(%x: f32) -> f32 {
  %0 = math.exp %x : f32
  return %0 : f32
}

// -----

// log: the exponent is read from the bits (shift right by 23), the mantissa
// goes through the polynomial.
// CHECK-LABEL: func.func @log_f32
// CHECK-NOT: math.log
// CHECK: arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.shrui
// CHECK: math.fma
// CHECK-NOT: math.log
// CHECK: return
func.func @log_f32(%x: f32) -> f32 {
  %0 = math.log %x : f32
  return %0 : f32
}

// -----

// CHECK-LABEL: func.func @tanh_and_erf_f32
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: return
func.func @tanh_and_erf_f32(%x: f32) -> (f32, f32) {
  %0 = math.tanh %x : f32
  %1 = math.erf %x : f32
  return %0, %1 : f32, f32
}

// -----

// Vectors (what the vectoriser produces) get the same arithmetic, lane-wise.
// CHECK-LABEL: func.func @vector_f32
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<8xf32>
// CHECK: arith.shli %{{.*}}, %{{.*}} : vector<8xi32>
// CHECK-NOT: math.exp
// CHECK-NOT: math.log
// CHECK-NOT: math.tanh
// CHECK-NOT: math.erf
// CHECK: return
func.func @vector_f32(%x: vector<8xf32>) -> (vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>) {
  %0 = math.exp %x : vector<8xf32>
  %1 = math.log %x : vector<8xf32>
  %2 = math.tanh %x : vector<8xf32>
  %3 = math.erf %x : vector<8xf32>
  return %0, %1, %2, %3 : vector<8xf32>, vector<8xf32>, vector<8xf32>, vector<8xf32>
}

// -----

// Not only the four above: sin is approximated too, sqrt is not.
// CHECK-LABEL: func.func @sin_is_approximated_sqrt_is_not
// CHECK-NOT: math.sin
// CHECK: math.fma
// CHECK-NOT: math.sin
// CHECK: %[[SQRT:.*]] = math.sqrt %arg0 : f32
// CHECK-NOT: math.sin
// CHECK: return %{{.*}}, %[[SQRT]]
func.func @sin_is_approximated_sqrt_is_not(%x: f32) -> (f32, f32) {
  %0 = math.sin %x : f32
  %1 = math.sqrt %x : f32
  return %0, %1 : f32, f32
}

// -----

// CHECK-LABEL: func.func @f64_keeps_libm
// CHECK-NEXT: %[[EXP:.*]] = math.exp %arg0 : f64
// CHECK-NEXT: %[[LOG:.*]] = math.log %arg0 : f64
// CHECK-NEXT: %[[TANH:.*]] = math.tanh %arg0 : f64
// CHECK-NEXT: %[[ERF:.*]] = math.erf %arg0 : f64
// CHECK-NEXT: %[[VEXP:.*]] = math.exp %arg1 : vector<4xf64>
// CHECK-NEXT: return %[[EXP]], %[[LOG]], %[[TANH]], %[[ERF]], %[[VEXP]]
func.func @f64_keeps_libm(%x: f64, %v: vector<4xf64>) -> (f64, f64, f64, f64, vector<4xf64>) {
  %0 = math.exp %x : f64
  %1 = math.log %x : f64
  %2 = math.tanh %x : f64
  %3 = math.erf %x : f64
  %4 = math.exp %v : vector<4xf64>
  return %0, %1, %2, %3, %4 : f64, f64, f64, f64, vector<4xf64>
}

// -----

// CHECK-LABEL: func.func @f16_and_bf16_are_left
// CHECK-NEXT: math.exp %arg0 : f16
// CHECK-NEXT: math.tanh %arg1 : vector<4xbf16>
// CHECK-NEXT: return
func.func @f16_and_bf16_are_left(%x: f16, %v: vector<4xbf16>) -> (f16, vector<4xbf16>) {
  %0 = math.exp %x : f16
  %1 = math.tanh %v : vector<4xbf16>
  return %0, %1 : f16, vector<4xbf16>
}
