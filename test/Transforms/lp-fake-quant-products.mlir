// RUN: lp-opt %s --lp-fake-quant | FileCheck %s
// RUN: lp-opt %s --lp-fake-quant="activation-products=true" | FileCheck %s --check-prefix=ALL

// A matmul of two activations (attention's scores and their product with
// V) stays float by default, as in PyTorch's eager QAT; the linear layers
// around it are quantized. activation-products=true quantizes it too.

// CHECK-LABEL: func.func @attn
// CHECK: lp.fake_quant
// CHECK: %[[Q:.*]] = lp.linear
// CHECK-NOT: lp.fake_quant
// CHECK: lp.matmul %[[Q]], %arg1 {lp.layer = "attn"}
// ALL-LABEL: func.func @attn
// ALL: lp.linear
// ALL: lp.fake_quant
// ALL: lp.fake_quant
// ALL: lp.matmul
func.func @attn(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                %k: tensor<8x4xf32> {lp.role = "input", lp.name = "k"},
                %w: tensor<8x8xf32> {lp.role = "param", lp.name = "q.w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %q = lp.linear %x, %w {lp.layer = "q"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %s = lp.matmul %q, %k {lp.layer = "attn"} : (tensor<4x8xf32>, tensor<8x4xf32>) -> tensor<4x4xf32>
  %l = lp.reduce_mean %s {axes = array<i64: 0, 1>} : (tensor<4x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
