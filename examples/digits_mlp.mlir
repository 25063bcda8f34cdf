// Digits MLP: 64 -> 128 -> 128 -> 10 with ReLU and softmax cross entropy.
//
// Input: a batch of 64 flattened 8x8 digits (pixels / 16, in [0, 1]); labels
// in [0, 10). Weights are [in, out] (x * W + b), Glorot-uniform; biases zero.
//
//   python3 scripts/export_data.py
//   build/bin/lp-run examples/digits_mlp.mlir --data examples/data/digits_batch.npz
func.func @digits_mlp(
    %x: tensor<64x64xf32> {lp.role = "input", lp.name = "x"},
    %y: tensor<64xi64> {lp.role = "label", lp.name = "y"},
    %w1: tensor<64x128xf32> {lp.role = "param", lp.name = "fc1.w", lp.init = "glorot_uniform"},
    %b1: tensor<128xf32> {lp.role = "param", lp.name = "fc1.b", lp.init = "zeros"},
    %w2: tensor<128x128xf32> {lp.role = "param", lp.name = "fc2.w", lp.init = "glorot_uniform"},
    %b2: tensor<128xf32> {lp.role = "param", lp.name = "fc2.b", lp.init = "zeros"},
    %w3: tensor<128x10xf32> {lp.role = "param", lp.name = "fc3.w", lp.init = "glorot_uniform"},
    %b3: tensor<10xf32> {lp.role = "param", lp.name = "fc3.b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h1 = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<64x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
  %a1 = lp.relu %h1 {lp.layer = "fc1"} : (tensor<64x128xf32>) -> tensor<64x128xf32>
  %h2 = lp.linear %a1, %w2, %b2 {lp.layer = "fc2"} : (tensor<64x128xf32>, tensor<128x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
  %a2 = lp.relu %h2 {lp.layer = "fc2"} : (tensor<64x128xf32>) -> tensor<64x128xf32>
  %logits = lp.linear %a2, %w3, %b3 {lp.layer = "fc3"} : (tensor<64x128xf32>, tensor<128x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  %loss = lp.cross_entropy %logits, %y {lp.layer = "loss"} : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
