// RUN: lp-opt %s --split-input-file --lp-prune | FileCheck %s
// RUN: lp-opt %s --split-input-file --lp-prune="params=fc2.*" | FileCheck %s --check-prefix=GLOB
// RUN: not lp-opt %s --split-input-file --lp-prune="params=conv*" 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: not lp-opt %s --split-input-file --lp-prune="params=[" 2>&1 | FileCheck %s --check-prefix=BAD

// Each weight (a parameter of rank >= 2) gains a read-only mask state,
// initially ones, and every use reads weight * mask; biases are left.

// CHECK-LABEL: func.func @mlp
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<6x8xf32> {lp.name = "fc1.w", lp.role = "param"}
// CHECK-SAME: %[[M1:[a-z0-9]+]]: tensor<6x8xf32> {lp.init = "ones", lp.name = "fc1.w.prune.mask", lp.role = "state"}
// CHECK-SAME: %[[M2:[a-z0-9]+]]: tensor<8x3xf32> {lp.init = "ones", lp.name = "fc2.w.prune.mask", lp.role = "state"}
// CHECK-SAME: -> (tensor<f32> {lp.name = "loss"})
// CHECK-NOT: fc1.b.prune
// CHECK: %[[P1:.*]] = lp.mul %[[W1]], %[[M1]]
// CHECK: %[[P2:.*]] = lp.mul %{{.*}}, %[[M2]]
// CHECK: lp.linear %{{.*}}, %[[P1]], %{{.*}}
// CHECK: lp.matmul %{{.*}}, %[[P2]]

// GLOB-LABEL: func.func @mlp
// GLOB-NOT: fc1.w.prune.mask
// GLOB: lp.name = "fc2.w.prune.mask"

// NONE: error: lp-prune: no parameter of rank 2 or more matches 'conv*' in @mlp
// BAD: error: lp-prune: bad params pattern '[': invalid glob pattern, unmatched '['

func.func @mlp(%x: tensor<4x6xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},
               %w1: tensor<6x8xf32> {lp.role = "param", lp.name = "fc1.w"},
               %b1: tensor<8xf32> {lp.role = "param", lp.name = "fc1.b"},
               %w2: tensor<8x3xf32> {lp.role = "param", lp.name = "fc2.w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<4x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %a = lp.relu %h {lp.layer = "fc1"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %o = lp.matmul %a, %w2 {lp.layer = "fc2"} : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %l = lp.cross_entropy %o, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
