// RUN: lp-opt %s --lp-autocast="overrides=param:g=bf16" | FileCheck %s
// A model's own cast of a parameter reads it at its override's precision:
// here g rounded to bf16, then the model's cast to f16.
// CHECK-LABEL: func.func @own_cast
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<8xf32>
// CHECK-NEXT: %[[WB:.*]] = lp.cast %[[W]] : (tensor<8xf32>) -> tensor<8xbf16>
// CHECK-NEXT: %[[WH:.*]] = lp.cast %[[WB]] : (tensor<8xbf16>) -> tensor<8xf16>
// CHECK-NEXT: return %[[WH]] : tensor<8xf16>
func.func @own_cast(%w: tensor<8xf32> {lp.role = "param", lp.name = "g"}) -> tensor<8xf16> {
  %h = lp.cast %w : (tensor<8xf32>) -> tensor<8xf16>
  return %h : tensor<8xf16>
}
