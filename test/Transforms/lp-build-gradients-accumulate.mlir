// RUN: lp-opt %s --lp-build-gradients=accumulate=3 | FileCheck %s
// RUN: not lp-opt %s --lp-build-gradients=accumulate=0 2>&1 | FileCheck %s --check-prefix=ZERO
// Gradient accumulation: the batch arguments hold 3 micro-batches, each
// sliced and run forward and backward in turn with seed weight 1/3; the
// parameter gradients are summed in order as each backward pass ends; the
// losses are the mean; model state is threaded from one micro-batch to the
// next; @m_eval keeps the model's batch.

// CHECK-LABEL: func.func @m_train_step
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4xf32> {{.*}}lp.name = "w"
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<i64> {lp.init = "zeros", lp.name = "count"
// CHECK-SAME: lp.name = "step"
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<6x4xf32> {lp.name = "x", lp.role = "input"}
// CHECK: %[[X0:.*]] = tensor.extract_slice %[[X]][0, 0] [2, 4] [1, 1]
// CHECK: %[[C0:.*]] = arith.addi %[[C]]
// CHECK: %[[L0:.*]] = lp.reduce_sum
// CHECK: lp.loss_seed %[[L0]] {weight = 0.33333333333333331 : f64}
// CHECK: %[[G0:.*]] = lp.reshape {{.*}} -> tensor<4xf32>
// CHECK: %[[X1:.*]] = tensor.extract_slice %[[X]][2, 0] [2, 4] [1, 1]
// CHECK: %[[C1:.*]] = arith.addi %[[C0]]
// CHECK: %[[L1:.*]] = lp.reduce_sum
// CHECK: lp.loss_seed %[[L1]] {weight = 0.33333333333333331 : f64}
// CHECK: %[[G1:.*]] = lp.reshape {{.*}} -> tensor<4xf32>
// CHECK: %[[LS:.*]] = lp.add %[[L0]], %[[L1]]
// CHECK: %[[GS:.*]] = lp.add %[[G0]], %[[G1]]
// CHECK: tensor.extract_slice %[[X]][4, 0] [2, 4] [1, 1]
// CHECK: %[[C2:.*]] = arith.addi %[[C1]]
// CHECK: %[[L2:.*]] = lp.reduce_sum
// CHECK: %[[G2:.*]] = lp.reshape {{.*}} -> tensor<4xf32>
// CHECK: %[[LS2:.*]] = lp.add %[[LS]], %[[L2]]
// CHECK: %[[GS2:.*]] = lp.add %[[GS]], %[[G2]]
// CHECK: %[[MEAN:.*]] = lp.mul %[[LS2]], %{{.*}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
// CHECK: %[[GR:.*]] = lp.gradients %[[GS2]] {params = ["w"]}
// CHECK: return %[[GR]], %[[C2]], %{{.*}}, %[[MEAN]],

// CHECK-LABEL: func.func @m_eval
// CHECK-SAME: tensor<2x4xf32>

// ZERO: error: lp-build-gradients: accumulate must be >= 1, got 0
func.func @m(%x: tensor<2x4xf32> {lp.role = "input", lp.name = "x"},
             %w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"},
             %c: tensor<i64> {lp.role = "state", lp.name = "count", lp.init = "zeros"})
    -> (tensor<f32> {lp.name = "loss"}, tensor<i64> {lp.name = "count"}) {
  %one = arith.constant dense<1> : tensor<i64>
  %c2 = arith.addi %c, %one : tensor<i64>
  %p = lp.mul %x, %w : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %l = lp.reduce_sum %p {axes = array<i64: 0, 1>} : (tensor<2x4xf32>) -> tensor<f32>
  return %l, %c2 : tensor<f32>, tensor<i64>
}
