//===- LPOps.td - lp dialect operations --------------------*- tablegen -*-===//

#ifndef LP_OPS_TD
#define LP_OPS_TD

include "lp/Dialect/LP/IR/LPDialect.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "lp/Dialect/LP/IR/LPInterfaces.td"

/// Every op prints as `lp.op %a, %b {attrs} : (operand types) -> result type`.
class LP_PureOp<string mnemonic, list<Trait> traits = []>
    : LP_Op<mnemonic, !listconcat([Pure, LP_PrecisionOpInterface], traits)> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
  let hasVerifier = 1;
}

/// A forward op: pure, with a gradient rule (VjpOpInterface).
class LP_DiffOp<string mnemonic, list<Trait> traits = []>
    : LP_PureOp<mnemonic,
          !listconcat([DeclareOpInterfaceMethods<LP_VjpOpInterface>], traits)>;

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

def LP_LinearOp : LP_DiffOp<"linear", [LP_Lowp]> {
  let summary = "Affine layer: x * W + b";
  let description = [{
    Computes `x * W + b` where `x` is `[..., K]`, `W` is `[K, N]` and the
    optional bias `b` is `[N]`; the result is `[..., N]`.

    ```mlir
    %y = lp.linear %x, %w, %b : (tensor<64x64xf32>, tensor<64x128xf32>, tensor<128xf32>) -> tensor<64x128xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$weight,
                       Optional<LP_FloatTensor>:$bias);
  let results = (outs LP_FloatTensor:$result);
}

def LP_MatmulOp : LP_DiffOp<"matmul", [LP_Lowp]> {
  let summary = "Batched matrix product";
  let description = [{
    `[B..., M, K] x [B..., K, N] -> [B..., M, N]`. Both operands have the
    same rank (2 to 4) and equal batch dimensions.

    ```mlir
    %c = lp.matmul %a, %b : (tensor<4x8x16xf32>, tensor<4x16x8xf32>) -> tensor<4x8x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$lhs, LP_FloatTensor:$rhs);
  let results = (outs LP_FloatTensor:$result);
}

def LP_Conv2dOp : LP_DiffOp<"conv2d", [LP_Lowp]> {
  let summary = "2-d convolution, NCHW input, FCHW filter";
  let description = [{
    Input `[N, C, H, W]`, filter `[F, C, KH, KW]`, optional bias `[F]`;
    result `[N, F, OH, OW]` with `OH = (H + 2*ph - KH) / sh + 1` (same for W).
    `stride` and `padding` default to `[1, 1]` and `[0, 0]`; padding is zeros.

    ```mlir
    %y = lp.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
        : (tensor<8x1x8x8xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<8x16x8x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$filter,
                       Optional<LP_FloatTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
  let results = (outs LP_FloatTensor:$result);
}

class LP_Pool2dOp<string mnemonic, string what, Trait precision>
    : LP_DiffOp<mnemonic, [precision]> {
  let summary = what # " pooling over the two trailing dimensions of NCHW";
  let arguments = (ins LP_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
  let results = (outs LP_FloatTensor:$result);
  let extraClassDeclaration = [{
    /// The stride, which defaults to the kernel size (as in PyTorch).
    llvm::SmallVector<int64_t, 2> getStrideOrKernel() {
      if (auto s = getStride())
        return llvm::SmallVector<int64_t, 2>(s->begin(), s->end());
      return llvm::SmallVector<int64_t, 2>(getKernel().begin(), getKernel().end());
    }
  }];
}

def LP_MaxPool2dOp : LP_Pool2dOp<"max_pool2d", "Max", LP_Clear> {
  let description = [{
    `kernel = [kh, kw]`; `stride` defaults to the kernel; padded positions
    never win (they act as -inf).

    ```mlir
    %y = lp.max_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
    ```
  }];
}

def LP_AvgPool2dOp : LP_Pool2dOp<"avg_pool2d", "Average", LP_Follow> {
  let description = [{
    `kernel = [kh, kw]`; `stride` defaults to the kernel. Zero padding is
    counted in the divisor (PyTorch's `count_include_pad=True`).

    ```mlir
    %y = lp.avg_pool2d %x {kernel = array<i64: 2, 2>} : (tensor<8x16x8x8xf32>) -> tensor<8x16x4x4xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

class LP_BinaryOp<string mnemonic, string what>
    : LP_DiffOp<mnemonic, [LP_Follow]> {
  let summary = "Elementwise " # what # " with numpy broadcasting";
  let description = [{
    The operands have the same element type; their shapes broadcast as in
    numpy (trailing dimensions aligned, size-1 dimensions stretched), and the
    result has the broadcast shape.

    ```mlir
    %c = lp.}] # mnemonic # [{ %a, %b : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$lhs, LP_FloatTensor:$rhs);
  let results = (outs LP_FloatTensor:$result);
}

def LP_AddOp : LP_BinaryOp<"add", "addition">;
def LP_SubOp : LP_BinaryOp<"sub", "subtraction">;
def LP_MulOp : LP_BinaryOp<"mul", "multiplication">;
def LP_DivOp : LP_BinaryOp<"div", "division">;

class LP_UnaryOp<string mnemonic, string what, Trait precision = LP_Follow>
    : LP_DiffOp<mnemonic, [SameOperandsAndResultType, precision]> {
  let summary = "Elementwise " # what;
  let description = [{
    ```mlir
    %y = lp.}] # mnemonic # [{ %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input);
  let results = (outs LP_FloatTensor:$result);
  let hasVerifier = 0;
}

def LP_ReluOp : LP_UnaryOp<"relu", "rectifier max(x, 0)">;
def LP_TanhOp : LP_UnaryOp<"tanh", "hyperbolic tangent">;
def LP_SigmoidOp : LP_UnaryOp<"sigmoid", "logistic 1 / (1 + exp(-x))">;
def LP_ExpOp : LP_UnaryOp<"exp", "exponential", LP_Fp32>;
def LP_LogOp : LP_UnaryOp<"log", "natural logarithm", LP_Fp32>;
def LP_SqrtOp : LP_UnaryOp<"sqrt", "square root">;

def LP_GeluOp : LP_DiffOp<"gelu", [SameOperandsAndResultType, LP_Follow]> {
  let summary = "Gaussian error linear unit";
  let description = [{
    `approximate = none` (default) computes `x * 0.5 * (1 + erf(x / sqrt(2)))`;
    `approximate = tanh` computes
    `0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 x^3)))`, as PyTorch.

    ```mlir
    %y = lp.gelu %x {approximate = #lp<gelu_approximation tanh>} : (tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input,
      DefaultValuedAttr<LP_GeluApproximationAttr,
                        "::lp::GeluApproximation::none">:$approximate);
  let results = (outs LP_FloatTensor:$result);
  let hasVerifier = 0;
}

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

class LP_SoftmaxLikeOp<string mnemonic, string what>
    : LP_DiffOp<mnemonic, [SameOperandsAndResultType, LP_Fp32]> {
  let summary = what # " along one axis";
  let description = [{
    Computed stably (the maximum along `axis` is subtracted first). `axis`
    may be negative (counted from the end).

    ```mlir
    %p = lp.}] # mnemonic # [{ %x {axis = -1 : i64} : (tensor<4x10xf32>) -> tensor<4x10xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, I64Attr:$axis);
  let results = (outs LP_FloatTensor:$result);
}

def LP_SoftmaxOp : LP_SoftmaxLikeOp<"softmax", "Softmax">;
def LP_LogSoftmaxOp : LP_SoftmaxLikeOp<"log_softmax", "Log-softmax">;

def LP_LayerNormOp : LP_DiffOp<"layer_norm", [LP_Fp32]> {
  let summary = "Layer normalisation over the trailing dimensions";
  let description = [{
    Normalises over the dimensions from `axis` (default -1) to the end, with
    the biased variance and `epsilon` (default 1e-5), then applies the
    elementwise affine `gamma`, `beta`, whose shape is those trailing
    dimensions (PyTorch's `normalized_shape`).

    ```mlir
    %y = lp.layer_norm %x, %g, %b {epsilon = 1.0e-05 : f64}
        : (tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$gamma,
                       LP_FloatTensor:$beta,
                       DefaultValuedAttr<I64Attr, "-1">:$axis,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$epsilon);
  let results = (outs LP_FloatTensor:$result);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

class LP_ReduceOp<string mnemonic, string what, Trait precision = LP_Fp32>
    : LP_DiffOp<mnemonic, [precision]> {
  let summary = what # " over the given axes";
  let description = [{
    Reduces over `axes` (distinct, may be negative); with `keepdims` the
    reduced dimensions stay with size 1. Low-precision inputs accumulate in
    f32.

    ```mlir
    %s = lp.}] # mnemonic # [{ %x {axes = array<i64: 1>} : (tensor<4x8xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, DenseI64ArrayAttr:$axes,
                       DefaultValuedAttr<BoolAttr, "false">:$keepdims);
  let results = (outs LP_FloatTensor:$result);
}

def LP_ReduceSumOp : LP_ReduceOp<"reduce_sum", "Sum">;
def LP_ReduceMeanOp : LP_ReduceOp<"reduce_mean", "Mean">;
def LP_ReduceMaxOp : LP_ReduceOp<"reduce_max", "Maximum", LP_Clear>;

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

def LP_ReshapeOp : LP_DiffOp<"reshape", [LP_Clear]> {
  let summary = "Reshape to a static shape with the same element count";
  let description = [{
    Row-major (C order) reinterpretation, as `numpy.reshape`.

    ```mlir
    %y = lp.reshape %x : (tensor<8x1x8x8xf32>) -> tensor<8x64xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
}

def LP_TransposeOp : LP_DiffOp<"transpose", [LP_Clear]> {
  let summary = "Permute dimensions";
  let description = [{
    `result.shape[i] = input.shape[permutation[i]]`, as `numpy.transpose`.

    ```mlir
    %y = lp.transpose %x {permutation = array<i64: 1, 0>} : (tensor<4x8xf32>) -> tensor<8x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs AnyRankedTensor:$result);
}

def LP_EmbeddingOp : LP_DiffOp<"embedding", [LP_Clear]> {
  let summary = "Row lookup in an embedding table";
  let description = [{
    `indices` of any shape `[...]` select rows of `table` `[V, D]`; the result
    is `[..., D]`. Indices must lie in `[0, V)`; `lp-run` checks its inputs
    for that before it runs.

    ```mlir
    %e = lp.embedding %ids, %table : (tensor<4x16xi64>, tensor<96x32xf32>) -> tensor<4x16x32xf32>
    ```
  }];
  let arguments = (ins LP_IndexTensor:$indices, LP_FloatTensor:$table);
  let results = (outs LP_FloatTensor:$result);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def LP_CrossEntropyOp : LP_DiffOp<"cross_entropy", [LP_Fp32]> {
  let summary = "Mean softmax cross entropy with integer class labels";
  let description = [{
    `logits` `[N, C]`, `labels` `[N]` with values in `[0, C)`; the result is
    the scalar `mean_n(logsumexp(logits[n]) - logits[n, labels[n]])`, as
    PyTorch's `cross_entropy(reduction='mean')`.

    ```mlir
    %l = lp.cross_entropy %logits, %y : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$logits, LP_IndexTensor:$labels);
  let results = (outs LP_ScalarFloatTensor:$result);
}

def LP_MseLossOp : LP_DiffOp<"mse_loss", [LP_Fp32]> {
  let summary = "Mean squared error";
  let description = [{
    The scalar `mean((prediction - target)^2)` over all elements; both
    operands have the same type.

    ```mlir
    %l = lp.mse_loss %p, %t : (tensor<64x4xf32>, tensor<64x4xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$prediction, LP_FloatTensor:$target);
  let results = (outs LP_ScalarFloatTensor:$result);
}

//===----------------------------------------------------------------------===//
// Precision
//===----------------------------------------------------------------------===//

def LP_CastOp : LP_DiffOp<"cast", [LP_Clear]> {
  let summary = "Convert between f32, f16 and bf16 with a rounding mode";
  let description = [{
    Same shape, another float element type. Narrowing rounds to nearest even
    (default; overflow gives inf, as numpy and ml_dtypes) or toward zero
    (overflow gives the largest finite value). Widening is exact. NaN stays
    NaN.

    Folding keeps every bit: a cast to the input's own type is the input;
    a cast that follows an exact widening (f16 or bf16 to f32) reads the
    widening's input instead, so `f16 -> f32 -> f16` is the identity and
    `f16 -> f32 -> bf16` is one cast, while `f32 -> f16 -> f32` (which
    rounds) stays.

    ```mlir
    %h = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<4x8xf32>) -> tensor<4x8xbf16>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input,
      DefaultValuedAttr<LP_RoundingModeAttr,
                        "::lp::RoundingMode::nearest_even">:$rounding);
  let results = (outs LP_FloatTensor:$result);
  // Folds only what preserves every bit (CastFolds.cpp).
  let hasFolder = 1;
}

include "lp/Dialect/LP/IR/LPGradOps.td"
include "lp/Dialect/LP/IR/LPQuantOps.td"
include "lp/Dialect/LP/IR/LPQuantStorageOps.td"
include "lp/Dialect/LP/IR/LPObserverOps.td"
include "lp/Dialect/LP/IR/LPOptimizerOps.td"
include "lp/Dialect/LP/IR/LPStepOps.td"

#endif // LP_OPS_TD
