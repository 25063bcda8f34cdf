// RUN: lp-opt %s --lp-build-gradients=accumulate=2 | FileCheck %s --check-prefix=OK
// RUN: not lp-opt %s --lp-build-gradients="accumulate=2 fixed-inputs=x" 2>&1 | FileCheck %s --check-prefix=FIXED
// A rank-0 input, or one named in fixed-inputs, is read whole by every
// micro-batch; accumulation needs at least one input left to slice.

// OK-LABEL: func.func @m_train_step
// OK-SAME: tensor<8xf32> {lp.name = "x", lp.role = "input"}, %{{.*}}: tensor<f32> {lp.name = "s", lp.role = "input"}
// OK: tensor.extract_slice %{{.*}}[4] [4] [1] : tensor<8xf32> to tensor<4xf32>
// FIXED: :[[@LINE+1]]:1: error: lp-build-gradients: accumulate=2 has no batch argument to slice
func.func @m(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
             %s: tensor<f32> {lp.role = "input", lp.name = "s"},
             %w: tensor<f32> {lp.role = "param", lp.name = "w", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %p = lp.mul %s, %w : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %p : tensor<f32>
}
