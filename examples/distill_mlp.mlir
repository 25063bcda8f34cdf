// Knowledge distillation: a small MLP student (64 -> 16 -> 10) learns from
// the digits CNN (examples/digits_cnn.mlir) as its teacher, compiled
// alongside. The teacher's weights are read-only `state` (no result updates
// them, autodiff gives them no gradient), loaded from the teacher's
// checkpoint with --params; the student's parameters start from their
// initializers. Two losses through the weighted multi-loss: the student's
// cross entropy with the labels, and Hinton's distillation loss, the KL
// divergence of the student's from the teacher's softmax at temperature
// T = 4, scaled by T^2 (PyTorch: kl_div(log_softmax(s/T), log_softmax(t/T),
// reduction="batchmean", log_target=True) * T^2), weighted 0.5 / 0.5.
//
//   build/bin/lp-run examples/digits_cnn.mlir --train --steps 600 \
//       --data examples/data/digits_cnn_train.npz --checkpoint teacher.npz
//   build/bin/lp-run examples/distill_mlp.mlir --train --params teacher.npz \
//       --data examples/data/digits_cnn_train.npz --eval-data examples/data/digits_cnn_test.npz
func.func @distill_mlp(
    %x: tensor<64x1x8x8xf32> {lp.role = "input", lp.name = "x"},
    %y: tensor<64xi64> {lp.role = "label", lp.name = "y"},
    %sw1: tensor<64x16xf32> {lp.role = "param", lp.name = "student.fc1.w", lp.init = "glorot_uniform"},
    %sb1: tensor<16xf32> {lp.role = "param", lp.name = "student.fc1.b", lp.init = "zeros"},
    %sw2: tensor<16x10xf32> {lp.role = "param", lp.name = "student.fc2.w", lp.init = "glorot_uniform"},
    %sb2: tensor<10xf32> {lp.role = "param", lp.name = "student.fc2.b", lp.init = "zeros"},
    %w1: tensor<16x1x3x3xf32> {lp.role = "state", lp.name = "conv1.w"},
    %b1: tensor<16xf32> {lp.role = "state", lp.name = "conv1.b"},
    %w2: tensor<32x16x3x3xf32> {lp.role = "state", lp.name = "conv2.w"},
    %b2: tensor<32xf32> {lp.role = "state", lp.name = "conv2.b"},
    %w3: tensor<128x10xf32> {lp.role = "state", lp.name = "fc.w"},
    %b3: tensor<10xf32> {lp.role = "state", lp.name = "fc.b"})
    -> (tensor<f32> {lp.name = "ce"}, tensor<f32> {lp.name = "kd"})
    attributes {lp.loss_weights = [0.5, 0.5]} {
  // Teacher (frozen).
  %c1 = lp.conv2d %x, %w1, %b1 {lp.layer = "teacher.conv1", padding = array<i64: 1, 1>}
      : (tensor<64x1x8x8xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<64x16x8x8xf32>
  %r1 = lp.relu %c1 {lp.layer = "teacher.conv1"} : (tensor<64x16x8x8xf32>) -> tensor<64x16x8x8xf32>
  %p1 = lp.max_pool2d %r1 {lp.layer = "teacher.pool1", kernel = array<i64: 2, 2>} : (tensor<64x16x8x8xf32>) -> tensor<64x16x4x4xf32>
  %c2 = lp.conv2d %p1, %w2, %b2 {lp.layer = "teacher.conv2", padding = array<i64: 1, 1>}
      : (tensor<64x16x4x4xf32>, tensor<32x16x3x3xf32>, tensor<32xf32>) -> tensor<64x32x4x4xf32>
  %r2 = lp.relu %c2 {lp.layer = "teacher.conv2"} : (tensor<64x32x4x4xf32>) -> tensor<64x32x4x4xf32>
  %p2 = lp.max_pool2d %r2 {lp.layer = "teacher.pool2", kernel = array<i64: 2, 2>} : (tensor<64x32x4x4xf32>) -> tensor<64x32x2x2xf32>
  %flat = lp.reshape %p2 {lp.layer = "teacher.flatten"} : (tensor<64x32x2x2xf32>) -> tensor<64x128xf32>
  %t = lp.linear %flat, %w3, %b3 {lp.layer = "teacher.fc"} : (tensor<64x128xf32>, tensor<128x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  // Student.
  %xs = lp.reshape %x {lp.layer = "student.flatten"} : (tensor<64x1x8x8xf32>) -> tensor<64x64xf32>
  %h = lp.linear %xs, %sw1, %sb1 {lp.layer = "student.fc1"} : (tensor<64x64xf32>, tensor<64x16xf32>, tensor<16xf32>) -> tensor<64x16xf32>
  %a = lp.relu %h {lp.layer = "student.fc1"} : (tensor<64x16xf32>) -> tensor<64x16xf32>
  %s = lp.linear %a, %sw2, %sb2 {lp.layer = "student.fc2"} : (tensor<64x16xf32>, tensor<16x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
  %ce = lp.cross_entropy %s, %y {lp.layer = "loss"} : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  // KD: T^2 * sum(p_t * (log p_t - log p_s)) / batch, p = softmax(logits / T).
  %inv_t = arith.constant dense<0.25> : tensor<f32>
  %ts = lp.mul %t, %inv_t {lp.layer = "kd"} : (tensor<64x10xf32>, tensor<f32>) -> tensor<64x10xf32>
  %ss = lp.mul %s, %inv_t {lp.layer = "kd"} : (tensor<64x10xf32>, tensor<f32>) -> tensor<64x10xf32>
  %lpt = lp.log_softmax %ts {lp.layer = "kd", axis = 1 : i64} : (tensor<64x10xf32>) -> tensor<64x10xf32>
  %lps = lp.log_softmax %ss {lp.layer = "kd", axis = 1 : i64} : (tensor<64x10xf32>) -> tensor<64x10xf32>
  %pt = lp.exp %lpt {lp.layer = "kd"} : (tensor<64x10xf32>) -> tensor<64x10xf32>
  %diff = lp.sub %lpt, %lps {lp.layer = "kd"} : (tensor<64x10xf32>, tensor<64x10xf32>) -> tensor<64x10xf32>
  %terms = lp.mul %pt, %diff {lp.layer = "kd"} : (tensor<64x10xf32>, tensor<64x10xf32>) -> tensor<64x10xf32>
  %sum = lp.reduce_sum %terms {lp.layer = "kd", axes = array<i64: 0, 1>} : (tensor<64x10xf32>) -> tensor<f32>
  %scale = arith.constant dense<0.25> : tensor<f32>
  %kd = lp.mul %sum, %scale {lp.layer = "kd"} : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %ce, %kd : tensor<f32>, tensor<f32>
}
