// RUN: lp-opt %s --lp-autocast --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-autocast="compute-type=f16" --split-input-file | FileCheck %s --check-prefix=HALF
// RUN: lp-opt %s --lp-autocast="lowp-result=f32" --split-input-file | FileCheck %s --check-prefix=WIDE
// lp-autocast's op policy: lowp ops in the compute type, fp32 ops in f32,
// follow ops in the widest operand type, clear ops in their input's type;
// one cast per value and type, arguments cast at the top.

// A weight used by two products is cast once; the forward chain stays in
// bf16 until the loss, which is fp32.
// CHECK-LABEL: func.func @mlp
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x8xf32>
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<8x8xf32>
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<8xf32>
// CHECK-NEXT: %[[XH:.*]] = lp.cast %[[X]] : (tensor<4x8xf32>) -> tensor<4x8xbf16>
// CHECK-NEXT: %[[WH:.*]] = lp.cast %[[W]] : (tensor<8x8xf32>) -> tensor<8x8xbf16>
// CHECK-NEXT: %[[BH:.*]] = lp.cast %[[B]] : (tensor<8xf32>) -> tensor<8xbf16>
// CHECK-NEXT: %[[H:.*]] = lp.linear %[[XH]], %[[WH]], %[[BH]] {lp.layer = "fc1"} : (tensor<4x8xbf16>, tensor<8x8xbf16>, tensor<8xbf16>) -> tensor<4x8xbf16>
// CHECK-NEXT: %[[A:.*]] = lp.relu %[[H]] {{.*}}-> tensor<4x8xbf16>
// CHECK-NEXT: %[[L:.*]] = lp.linear %[[A]], %[[WH]], %[[BH]] {lp.layer = "fc2"} : {{.*}} -> tensor<4x8xbf16>
// CHECK-NEXT: %[[L32:.*]] = lp.cast %[[L]] {lp.layer = "fc2"} : (tensor<4x8xbf16>) -> tensor<4x8xf32>
// CHECK-NEXT: lp.cross_entropy %[[L32]]
// CHECK-NOT: lp.cast
// HALF-LABEL: func.func @mlp
// HALF-COUNT-3: lp.cast {{.*}} -> tensor<{{.*}}xf16>
// HALF: lp.linear {{.*}} -> tensor<4x8xf16>
// WIDE-LABEL: func.func @mlp
// WIDE: %[[H:.*]] = lp.linear {{.*}} : (tensor<4x8xbf16>, tensor<8x8xbf16>, tensor<8xbf16>) -> tensor<4x8xf32>
// WIDE-NEXT: lp.relu %[[H]] {{.*}}-> tensor<4x8xf32>
// WIDE: lp.linear {{.*}} -> tensor<4x8xf32>
// WIDE-NEXT: lp.cross_entropy
func.func @mlp(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},
               %w: tensor<8x8xf32> {lp.role = "param", lp.name = "w"},
               %b: tensor<8xf32> {lp.role = "param", lp.name = "b"}) -> tensor<f32> {
  %h = lp.linear %x, %w, %b {lp.layer = "fc1"} : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %a = lp.relu %h {lp.layer = "fc1"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %l = lp.linear %a, %w, %b {lp.layer = "fc2"} : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %loss = lp.cross_entropy %l, %y : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %loss : tensor<f32>
}

// -----

// follow: a residual add of a bf16 product and the f32 input runs in f32
// (the product widened, the input used as is); fp32: softmax gets f32;
// clear: reshape and transpose keep bf16; the function's f32 result is
// restored at the return.
// CHECK-LABEL: func.func @classes
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x8xf32>
// CHECK: %[[M:.*]] = lp.matmul {{.*}} -> tensor<4x8xbf16>
// CHECK-NEXT: %[[M32:.*]] = lp.cast %[[M]] : (tensor<4x8xbf16>) -> tensor<4x8xf32>
// CHECK-NEXT: %[[R:.*]] = lp.reshape %[[M]] : (tensor<4x8xbf16>) -> tensor<32xbf16>
// CHECK-NEXT: %[[S:.*]] = lp.add %[[M32]], %[[X]] : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
// CHECK-NEXT: lp.softmax %[[S]] {{.*}}-> tensor<4x8xf32>
// CHECK-NEXT: %[[T:.*]] = lp.transpose %[[M]] {{.*}}-> tensor<8x4xbf16>
// CHECK-NEXT: %[[T32:.*]] = lp.cast %[[T]] : (tensor<8x4xbf16>) -> tensor<8x4xf32>
// CHECK-NEXT: return {{.*}}, %[[T32]], %[[R]] : tensor<4x8xf32>, tensor<8x4xf32>, tensor<32xbf16>
func.func @classes(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                   %w: tensor<8x8xf32> {lp.role = "param", lp.name = "w"})
    -> (tensor<4x8xf32>, tensor<8x4xf32>, tensor<32xbf16>) {
  %m = lp.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %r = lp.reshape %m : (tensor<4x8xf32>) -> tensor<32xf32>
  %s = lp.add %m, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %p = lp.softmax %s {axis = -1 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %t = lp.transpose %m {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
  %rh = lp.cast %r : (tensor<32xf32>) -> tensor<32xbf16>
  return %p, %t, %rh : tensor<4x8xf32>, tensor<8x4xf32>, tensor<32xbf16>
}
