// RUN: lp-opt %s --lp-outline-blocks | FileCheck %s
// RUN: lp-opt %s --lp-outline-blocks="min-ops=1" | FileCheck %s --check-prefix=MIN1

// Two instances of blkN (same code, different parameters) share one function;
// blk2 differs (relu; its dead linear is removed first) and the head is no
// block: both stay inline. layers.0/layers.1 are single-op runs, below
// min-ops.
// CHECK-LABEL: func.func @model
// CHECK: %[[C0:.*]]:2 = call @block_blkN(%arg0, %arg1, %arg2)
// CHECK: %[[C1:.*]]:2 = call @block_blkN(%[[C0]]#1, %arg3, %arg4)
// CHECK: lp.relu %[[C1]]#1 {lp.layer = "blk2.act"}
// CHECK: lp.add %{{.*}}, %[[C0]]#0 {lp.layer = "head"}
// CHECK: lp.mul {{.*}}{lp.layer = "layers.0.scale"}
// CHECK-NOT: call
// CHECK: return

// The outlined block: constants are cloned in, results are the values used
// after any of its runs (the union: only blk0's tanh is used later).
// CHECK-LABEL: func.func private @block_blkN(%arg0: tensor<4x3xf32>, %arg1: tensor<3x3xf32>, %arg2: tensor<3xf32>) -> (tensor<4x3xf32>, tensor<4x3xf32>) attributes {lp.block = "blkN"}
// CHECK-NEXT: %[[L:.*]] = lp.linear %arg0, %arg1, %arg2 :
// CHECK-NEXT: %[[T:.*]] = lp.tanh %[[L]] :
// CHECK-NEXT: %[[CST:.*]] = arith.constant dense<5.000000e-01> : tensor<f32>
// CHECK-NEXT: %[[S:.*]] = lp.mul %[[T]], %[[CST]] :
// CHECK-NEXT: %[[R:.*]] = lp.add %arg0, %[[S]] :
// CHECK-NEXT: return %[[T]], %[[R]]
// CHECK-NOT: func.func private

// With min-ops=1 the single-op runs of layers.0 and layers.1 are outlined too.
// MIN1: call @block_layers_N
// MIN1: call @block_layers_N
// MIN1: func.func private @block_blkN
// MIN1: func.func private @block_layers_N({{.*}}) -> tensor<4x3xf32> attributes {lp.block = "layers.N"}

func.func @model(%x: tensor<4x3xf32>, %w0: tensor<3x3xf32>, %b0: tensor<3xf32>,
                 %w1: tensor<3x3xf32>, %b1: tensor<3xf32>) -> tensor<4x3xf32> {
  %half = arith.constant dense<0.5> : tensor<f32>
  %l0 = lp.linear %x, %w0, %b0 {lp.layer = "blk0.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t0 = lp.tanh %l0 {lp.layer = "blk0.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %s0 = lp.mul %t0, %half {lp.layer = "blk0.scale"} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %r0 = lp.add %x, %s0 {lp.layer = "blk0.res"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %l1 = lp.linear %r0, %w1, %b1 {lp.layer = "blk1.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t1 = lp.tanh %l1 {lp.layer = "blk1.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %s1 = lp.mul %t1, %half {lp.layer = "blk1.scale"} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %r1 = lp.add %r0, %s1 {lp.layer = "blk1.res"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %l2 = lp.linear %r1, %w1, %b1 {lp.layer = "blk2.fc"} : (tensor<4x3xf32>, tensor<3x3xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %t2 = lp.relu %r1 {lp.layer = "blk2.act"} : (tensor<4x3xf32>) -> tensor<4x3xf32>
  %h = lp.add %t2, %t0 {lp.layer = "head"} : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  %m0 = lp.mul %h, %half {lp.layer = "layers.0.scale"} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  %m1 = lp.mul %m0, %half {lp.layer = "layers.1.scale"} : (tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
  return %m1 : tensor<4x3xf32>
}
