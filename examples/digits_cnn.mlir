// Digits CNN for 1x8x8 images (NCHW), batch 64:
//   conv 3x3 pad 1 (1 -> 16) + ReLU + max-pool 2x2   -> [64, 16, 4, 4]
//   conv 3x3 pad 1 (16 -> 32) + ReLU + max-pool 2x2  -> [64, 32, 2, 2]
//   reshape [64, 128] -> linear 128 -> 10 -> softmax cross entropy.
// Filters are [F, C, KH, KW] with Glorot-uniform init (fan_in = C*KH*KW,
// fan_out = F*KH*KW); biases zero.
//
//   python3 scripts/export_data.py
//   build/bin/lp-run examples/digits_cnn.mlir --data examples/data/digits_cnn_batch.npz
func.func @digits_cnn(
    %x: tensor<64x1x8x8xf32> {lp.role = "input", lp.name = "x"},
    %y: tensor<64xi64> {lp.role = "label", lp.name = "y"},
    %w1: tensor<16x1x3x3xf32> {lp.role = "param", lp.name = "conv1.w", lp.init = "glorot_uniform"},
    %b1: tensor<16xf32> {lp.role = "param", lp.name = "conv1.b", lp.init = "zeros"},
    %w2: tensor<32x16x3x3xf32> {lp.role = "param", lp.name = "conv2.w", lp.init = "glorot_uniform"},
    %b2: tensor<32xf32> {lp.role = "param", lp.name = "conv2.b", lp.init = "zeros"},
    %w3: tensor<128x10xf32> {lp.role = "param", lp.name = "fc.w", lp.init = "glorot_uniform"},
    %b3: tensor<10xf32> {lp.role = "param", lp.name = "fc.b", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %c1 = lp.conv2d %x, %w1, %b1 {lp.layer = "conv1", stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
      : (tensor<64x1x8x8xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<64x16x8x8xf32>
  %r1 = lp.relu %c1 {lp.layer = "conv1"} : (tensor<64x16x8x8xf32>) -> tensor<64x16x8x8xf32>
  %p1 = lp.max_pool2d %r1 {lp.layer = "pool1", kernel = array<i64: 2, 2>} : (tensor<64x16x8x8xf32>) -> tensor<64x16x4x4xf32>
  %c2 = lp.conv2d %p1, %w2, %b2 {lp.layer = "conv2", stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
      : (tensor<64x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<64x32x4x4xf32>
  %r2 = lp.relu %c2 {lp.layer = "conv2"} : (tensor<64x32x4x4xf32>) -> tensor<64x32x4x4xf32>
  %p2 = lp.max_pool2d %r2 {lp.layer = "pool2", kernel = array<i64: 2, 2>} : (tensor<64x32x4x4xf32>) -> tensor<64x32x2x2xf32>
  %flat = lp.reshape %p2 {lp.layer = "flatten"} : (tensor<64x32x2x2xf32>) -> tensor<64x128xf32>
  %logits = lp.linear %flat, %w3, %b3 {lp.layer = "fc"} : (tensor<64x128xf32>, tensor<128x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  %loss = lp.cross_entropy %logits, %y {lp.layer = "loss"} : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
