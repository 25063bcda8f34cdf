// RUN: lp-opt %s --lp-autocast="overrides=layer:head=f32,param:{*.b,*.g}=f32" | FileCheck %s
// RUN: lp-opt %s --lp-autocast="compute-type=f32 overrides=layer:blk*=f16,param:head.w=bf16" | FileCheck %s --check-prefix=HYBRID
// Hybrid precision: an op's lp.precision beats a layer override, which
// beats the compute type; a parameter override sets the precision a
// parameter is used at, and an op computes in the widest of its type and
// its parameters'.

// CHECK-LABEL: func.func @hybrid
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x8xf32>
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<8x8xf32>
// CHECK-SAME: %[[B1:[a-z0-9]+]]: tensor<8xf32>
// CHECK-SAME: %[[W2:[a-z0-9]+]]: tensor<8x8xf32>
// CHECK-SAME: %[[W3:[a-z0-9]+]]: tensor<8x8xf32>
// blk1.fc has a bias kept at f32 by param:*.b, so it runs in f32: no casts.
// CHECK: %[[H1:.*]] = lp.linear %[[X]], %[[W1]], %[[B1]] {lp.layer = "blk1.fc"} : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
// blk2.fc: bf16 by the compute type.
// CHECK: %[[H2:.*]] = lp.matmul {{.*}} {lp.layer = "blk2.fc"} : (tensor<4x8xbf16>, tensor<8x8xbf16>) -> tensor<4x8xbf16>
// head: f32 by its layer override.
// CHECK: lp.matmul {{.*}} {lp.layer = "head"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
// The op attribute beats the layer override.
// CHECK: lp.matmul {{.*}} {lp.layer = "head", lp.precision = "f16"} : (tensor<4x8xf16>, tensor<8x8xf16>) -> tensor<4x8xf16>
// An op attribute applies to fp32 ops too.
// CHECK: lp.exp {{.*}} {lp.precision = "bf16"} : (tensor<4x8xbf16>) -> tensor<4x8xbf16>

// HYBRID-LABEL: func.func @hybrid
// HYBRID-SAME: %[[W3:arg4]]: tensor<8x8xf32>
// HYBRID: %[[W3H:.*]] = lp.cast %[[W3]] : (tensor<8x8xf32>) -> tensor<8x8xbf16>
// HYBRID-NEXT: %[[W3R:.*]] = lp.cast %[[W3H]] : (tensor<8x8xbf16>) -> tensor<8x8xf32>
// HYBRID: lp.linear {{.*}} {lp.layer = "blk1.fc"} : (tensor<4x8xf16>, tensor<8x8xf16>, tensor<8xf16>) -> tensor<4x8xf16>
// HYBRID: lp.matmul {{.*}} {lp.layer = "blk2.fc"} : (tensor<4x8xf16>, tensor<8x8xf16>) -> tensor<4x8xf16>
// head.w is used rounded to bf16 (once per step) and widened for the f32
// op; with lp.precision = f16 the op is widened by its bf16 parameter.
// HYBRID: lp.matmul %{{.*}}, %[[W3R]] {lp.layer = "head"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
// HYBRID-NEXT: lp.matmul %{{.*}}, %[[W3R]] {lp.layer = "head", lp.precision = "f16"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
func.func @hybrid(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                  %w1: tensor<8x8xf32> {lp.role = "param", lp.name = "blk1.w"},
                  %b1: tensor<8xf32> {lp.role = "param", lp.name = "blk1.b"},
                  %w2: tensor<8x8xf32> {lp.role = "param", lp.name = "blk2.w"},
                  %w3: tensor<8x8xf32> {lp.role = "param", lp.name = "head.w"})
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %h1 = lp.linear %x, %w1, %b1 {lp.layer = "blk1.fc"} : (tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %h2 = lp.matmul %h1, %w2 {lp.layer = "blk2.fc"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %h3 = lp.matmul %h2, %w3 {lp.layer = "head"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %h4 = lp.matmul %h2, %w3 {lp.layer = "head", lp.precision = "f16"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %e = lp.exp %h2 {lp.precision = "bf16"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %h3, %h4, %e, %h1 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

