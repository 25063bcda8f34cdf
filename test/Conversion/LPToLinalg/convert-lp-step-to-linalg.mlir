// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-lower-to-llvm --split-input-file | FileCheck %s --check-prefix=LLVM --implicit-check-not=lp.

// lp.loss_seed is its weight, a constant of the loss's type.
// CHECK-LABEL: func.func @loss_seed
// CHECK: %[[C:.*]] = arith.constant dense<2.500000e-01> : tensor<bf16>
// CHECK: return %[[C]]
// LLVM-LABEL: llvm.func @loss_seed
func.func @loss_seed(%l: tensor<bf16>) -> tensor<bf16> {
  %s = lp.loss_seed %l {weight = 0.25 : f64} : (tensor<bf16>) -> tensor<bf16>
  return %s : tensor<bf16>
}

// -----

// lp.gradients only marks a place: its results are its operands.
// CHECK-LABEL: func.func @gradients
// CHECK-NOT: lp.gradients
// CHECK: return %arg0, %arg1
// LLVM-LABEL: llvm.func @gradients
func.func @gradients(%a: tensor<4xf32>, %b: tensor<2x2xf32>, %s: tensor<i1>) -> (tensor<4xf32>, tensor<2x2xf32>) {
  %g:2 = lp.gradients %a, %b skip_if %s {params = ["w", "b"], phase = 2 : i64} : (tensor<4xf32>, tensor<2x2xf32>, tensor<i1>) -> (tensor<4xf32>, tensor<2x2xf32>)
  return %g#0, %g#1 : tensor<4xf32>, tensor<2x2xf32>
}

// -----

// lp.all_finite: per operand a sum of x - x (0 when x is finite, NaN for an
// infinity or a NaN), then one comparison with 0 of their total.
// CHECK-LABEL: func.func @all_finite
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%arg0 : tensor<4xf32>)
// CHECK: %[[D:.*]] = arith.subf %[[X:.*]], %[[X]] : f32
// CHECK: arith.addf %{{.*}}, %[[D]] : f32
// CHECK: %[[S0:.*]] = tensor.extract
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%arg1 : tensor<2x3xf16>)
// CHECK: arith.extf
// CHECK: %[[S1:.*]] = tensor.extract
// CHECK: %[[T:.*]] = arith.addf %[[S0]], %[[S1]] : f32
// CHECK: %[[OK:.*]] = arith.cmpf oeq, %[[T]], %{{.*}} : f32
// CHECK: tensor.from_elements %[[OK]] : tensor<i1>
// LLVM-LABEL: llvm.func @all_finite
func.func @all_finite(%a: tensor<4xf32>, %b: tensor<2x3xf16>) -> tensor<i1> {
  %ok = lp.all_finite %a, %b : (tensor<4xf32>, tensor<2x3xf16>) -> tensor<i1>
  return %ok : tensor<i1>
}
