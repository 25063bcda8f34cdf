// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd momentum=0.9" | FileCheck %s --check-prefix=TAG
// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd momentum=0.9" --lp-outline-blocks | FileCheck %s
// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd momentum=0.9" --lp-lower-to-llvm | FileCheck %s --check-prefix=LLVM

// lp-build-train-step names the backward ops and the update of a layer's
// parameters after the layer.
// TAG-LABEL: func.func @m_train_step
// TAG: lp.cross_entropy_grad {{.*}}lp.layer = "loss"
// TAG: lp.sub {{.*}}lp.layer = "blk2.act"
// TAG: lp.matmul {{.*}}lp.layer = "blk2.fc"
// TAG: lp.sgd_update %arg0, {{.*}}lp.layer = "blk0.fc"

// Three blocks: one forward function called three times (train step, eval
// and the model itself), one backward function for blk2 and blk1 (blk0's
// differs: the input x needs no gradient, so it stays inline) and one
// optimizer update per block.
// CHECK-LABEL: func.func @m_train_step
// CHECK-COUNT-3: call @block_blkN(
// CHECK: lp.cross_entropy_grad
// CHECK-COUNT-2: call @block_blkN_0(
// CHECK: lp.reduce_sum {{.*}}lp.layer = "blk0.fc"
// CHECK-COUNT-3: call @block_blkN_1(
// CHECK: lp.sgd_update {{.*}}lp.layer = "head"
// CHECK-LABEL: func.func @m_eval
// CHECK-COUNT-3: call @block_blkN(
// CHECK: func.func private @block_blkN(%arg0: tensor<4x3xf32>, %arg1: tensor<3x3xf32>, %arg2: tensor<3xf32>) -> tensor<4x3xf32> attributes {lp.block = "blkN"}
// CHECK: func.func private @block_blkN_0(
// CHECK: func.func private @block_blkN_1(
// CHECK-COUNT-2: lp.sgd_update
// CHECK-NOT: func.func

// The whole pipeline lowers each block once; the optimizer's outlined
// update writes the parameters in place and returns nothing.
// LLVM: llvm.func @m_train_step
// LLVM-COUNT-3: llvm.call @block_blkN_1(
// LLVM: llvm.func @block_blkN_1({{[^>]*}}) attributes

func.func @m(%x: tensor<4x3xf32> {lp.role = "input", lp.name = "x"},
             %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},
             %w0: tensor<3x3xf32> {lp.role = "param", lp.name = "blk0.fc.w"},
             %b0: tensor<3xf32> {lp.role = "param", lp.name = "blk0.fc.b"},
             %w1: tensor<3x3xf32> {lp.role = "param", lp.name = "blk1.fc.w"},
             %b1: tensor<3xf32> {lp.role = "param", lp.name = "blk1.fc.b"},
             %w2: tensor<3x3xf32> {lp.role = "param", lp.name = "blk2.fc.w"},
             %b2: tensor<3xf32> {lp.role = "param", lp.name = "blk2.fc.b"},
             %wh: tensor<3x2xf32> {lp.role = "param", lp.name = "head.w"}) -> tensor<f32> {
  %l0 = lp.linear %x, %w0, %b0 {lp.layer = "blk0.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t0 = lp.tanh %l0 {lp.layer = "blk0.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %l1 = lp.linear %t0, %w1, %b1 {lp.layer = "blk1.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t1 = lp.tanh %l1 {lp.layer = "blk1.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %l2 = lp.linear %t1, %w2, %b2 {lp.layer = "blk2.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t2 = lp.tanh %l2 {lp.layer = "blk2.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %z = lp.linear %t2, %wh {lp.layer = "head"} : (tensor<4x3xf32>, tensor<3x2xf32>) -> tensor<4x2xf32>
  %loss = lp.cross_entropy %z, %y {lp.layer = "loss"} : (tensor<4x2xf32>, tensor<4xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}
