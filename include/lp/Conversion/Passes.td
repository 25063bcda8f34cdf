//===- Passes.td - LP conversion passes --------------------*- tablegen -*-===//

#ifndef LP_CONVERSION_PASSES_TD
#define LP_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertLPToLinalg : Pass<"convert-lp-to-linalg"> {
  let summary = "Lower lp ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `lp` op into linalg named ops (matmul, batch_matmul,
    conv_2d_nchw_fchw, pooling, transpose) and `linalg.generic` ops on
    tensors, with arith/math bodies. f16/bf16 ops compute in f32 inside their
    bodies and round once to the result type (nearest even); matmuls and
    convolutions accumulate in f32. After this pass no `lp` op remains; an op
    that cannot be lowered is an error.

    ```mlir
    %y = lp.relu %x : (tensor<4xf32>) -> tensor<4xf32>
    // becomes
    %e = tensor.empty() : tensor<4xf32>
    %y = linalg.generic {...} ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %cst : f32
      linalg.yield %m : f32
    } -> tensor<4xf32>
    ```
  }];
  let options = [
    Option<"convLibrary", "conv-library", "bool", /*default=*/"false",
           "f32 conv2d and its gradients as linalg.generic ops marked "
           "`library_call = \"lp_conv2d...\"` (direct convolutions of the "
           "runtime, through lp-convs-to-library) instead of im2col and "
           "products">
  ];
  let dependentDialects = [
    "mlir::arith::ArithDialect", "mlir::linalg::LinalgDialect",
    "mlir::math::MathDialect", "mlir::scf::SCFDialect",
    "mlir::tensor::TensorDialect"
  ];
}

#endif // LP_CONVERSION_PASSES_TD
