// RUN: lp-opt %s --lp-fake-quant="activations=none" --lp-prune --lp-quant-convert | FileCheck %s

// A weight that lp-prune masks (after lp-fake-quant, as the train step
// orders them) is quantized as the masked weight, and the converted model
// reads neither the weight nor its mask.

// CHECK-LABEL: func.func @lin_quantize(
// CHECK-SAME: -> (tensor<6x3xi8> {lp.name = "w.int8"}, tensor<3xf32> {lp.name = "w.scale"}, tensor<3xf32> {lp.name = "w.zero_point"})
// CHECK: %[[M:.*]] = lp.mul %arg0, %arg3
// CHECK: lp.quantize %[[M]]
// CHECK-LABEL: func.func @lin_quantized(
// CHECK-SAME: {lp.name = "x", lp.role = "input"}
// CHECK-NOT: prune.mask
// CHECK-NOT: lp.name = "w",
// CHECK-SAME: -> (tensor<f32> {lp.name = "result0"}) {
// CHECK: lp.dequantize
func.func @lin(%x: tensor<8x6xf32> {lp.role = "input", lp.name = "x"},
               %w: tensor<6x3xf32> {lp.role = "param", lp.name = "w"}) -> (tensor<f32> {lp.name = "result0"}) {
  %p = lp.matmul %x, %w {lp.layer = "fc"} : (tensor<8x6xf32>, tensor<6x3xf32>) -> tensor<8x3xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0, 1>, keepdims = false} : (tensor<8x3xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
