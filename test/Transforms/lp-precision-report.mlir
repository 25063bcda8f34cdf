// RUN: lp-opt %s --lp-build-train-step="precision=bf16 precision-overrides=layer:head=f32 optimizer=adam" --lp-precision-report -o /dev/null | FileCheck %s
// RUN: lp-opt %s --lp-precision-report=function=m -o /dev/null | FileCheck %s --check-prefix=F32
// The precision report, byte counts worked out by hand from the shapes:
// parameters fc.w 4x3, fc.b 3, head.w 3x3 in f32 = 24 * 4 = 96 bytes, their
// f32 gradients the same; state: Adam's m and v in f32 (2 * 96) and the
// counters step and adam.t (i64, 2 * 8). Saved from forward to backward:
// in bf16 x (2x4) and fc's ReLU output (2x3, which relu_grad reads):
// (8 + 6) * 2 = 28; in f32 the logits (2x3): 6 * 4 = 24. x is an input, so
// no gradient is built for it and fc.w's bf16 copy, which only x's gradient
// would read, is not kept; the head's f32 input, the ReLU output widened,
// is widened again by the backward pass (its second bf16->f32 cast in fc)
// instead of being kept. The per-layer rows show fc in bf16 and head (the
// override) in f32.

// CHECK-LABEL: precision report: @m_train_step
// CHECK-NEXT: ops: bf16 6, f32 12
// CHECK-NEXT: casts: bf16->f32 4, f32->bf16 4
// CHECK-NEXT: bytes of
// CHECK-NEXT: parameters: f32 96
// CHECK-NEXT: gradients: f32 96
// CHECK-NEXT: state: f32 192, i64 16
// CHECK-NEXT: saved for backward: bf16 28, f32 24
// CHECK-NEXT: per layer
// CHECK-NEXT: - f32 4 | bf16->f32 2, f32->bf16 3
// CHECK-NEXT: fc bf16 6 | bf16->f32 2, f32->bf16 1
// CHECK-NEXT: head f32 6 | -
// CHECK-NEXT: loss f32 2 | -
// CHECK-LABEL: precision report: @m_eval
// CHECK-NEXT: ops: bf16 2, f32 3
// CHECK-NEXT: casts: bf16->f32 1, f32->bf16 3
// CHECK-NEXT: bytes of
// CHECK-NEXT: parameters: f32 96
// CHECK-NEXT: per layer

// The model itself, without autocast: everything in f32, no casts.
// F32: precision report: @m
// F32-NEXT: ops: f32 4
// F32-NEXT: casts: -
// F32-NEXT: bytes of
// F32-NEXT: parameters: f32 96
// F32-NEXT: per layer
// F32-NEXT: fc f32 2 | -
// F32-NEXT: head f32 1 | -
// F32-NEXT: loss f32 1 | -
// F32-NOT: precision report
func.func @m(%x: tensor<2x4xf32> {lp.role = "input", lp.name = "x"},
             %y: tensor<2xi64> {lp.role = "label", lp.name = "y"},
             %w: tensor<4x3xf32> {lp.role = "param", lp.name = "fc.w", lp.init = "ones"},
             %b: tensor<3xf32> {lp.role = "param", lp.name = "fc.b", lp.init = "zeros"},
             %v: tensor<3x3xf32> {lp.role = "param", lp.name = "head.w", lp.init = "ones"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b {lp.layer = "fc"} : (tensor<2x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %t = lp.relu %h {lp.layer = "fc"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %z = lp.matmul %t, %v {lp.layer = "head"} : (tensor<2x3xf32>, tensor<3x3xf32>) -> tensor<2x3xf32>
  %l = lp.cross_entropy %z, %y {lp.layer = "loss"} : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
