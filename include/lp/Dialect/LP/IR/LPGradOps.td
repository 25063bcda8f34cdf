//===- LPGradOps.td - ops that backward passes are built from -*- tablegen -*-===//
//
// Included from LPOps.td. These ops appear in the gradients that the forward
// ops' VJP rules build; they have no gradient rule of their own.
//
//===----------------------------------------------------------------------===//

def LP_BroadcastOp : LP_DiffOp<"broadcast", [LP_Clear]> {
  let summary = "Broadcast to a larger shape (numpy rules)";
  let description = [{
    ```mlir
    %y = lp.broadcast %x : (tensor<4x1xf32>) -> tensor<3x4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input);
  let results = (outs LP_FloatTensor:$result);
}

def LP_ReluGradOp : LP_PureOp<"relu_grad", [LP_Follow, AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "Gradient of relu: 0 where input <= 0, else grad";
  let description = [{
    PyTorch's `threshold_backward`: a NaN input passes `grad` on. `input`
    may be relu's input or its result: relu(x) <= 0 exactly where x <= 0
    (NaN and -0 included). Autodiff passes the result, so that the
    pre-activation need not be kept for the backward pass.

    ```mlir
    %dx = lp.relu_grad %x, %dy : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$grad);
  let results = (outs LP_FloatTensor:$result);
  let hasVerifier = 0;
}

def LP_GeluGradOp : LP_PureOp<"gelu_grad", [LP_Follow, AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "Gradient of gelu (either formula)";
  let description = [{
    `grad * gelu'(input)`, with `gelu'` of the erf form
    (`Phi(x) + x phi(x)`) or of the tanh approximation.

    ```mlir
    %dx = lp.gelu_grad %x, %dy : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$grad,
      DefaultValuedAttr<LP_GeluApproximationAttr,
                        "::lp::GeluApproximation::none">:$approximate);
  let results = (outs LP_FloatTensor:$result);
  let hasVerifier = 0;
}

def LP_Conv2dGradInputOp : LP_PureOp<"conv2d_grad_input", [LP_Lowp]> {
  let summary = "Gradient of conv2d with respect to its input";
  let description = [{
    `grad` `[N, F, OH, OW]`, `filter` `[F, C, KH, KW]`; the result is the
    input's type `[N, C, H, W]` (H, W are not derivable from OH when the
    stride does not divide evenly, so the result type carries them).

    ```mlir
    %dx = lp.conv2d_grad_input %dy, %w {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
        : (tensor<2x4x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$grad, LP_FloatTensor:$filter,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
  let results = (outs LP_FloatTensor:$result);
}

def LP_Conv2dGradFilterOp : LP_PureOp<"conv2d_grad_filter", [LP_Lowp]> {
  let summary = "Gradient of conv2d with respect to its filter";
  let description = [{
    `input` `[N, C, H, W]`, `grad` `[N, F, OH, OW]`; the result is the
    filter's type `[F, C, KH, KW]`.

    ```mlir
    %dw = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>}
        : (tensor<2x3x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<4x3x3x3xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$grad,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
  let results = (outs LP_FloatTensor:$result);
}

class LP_PoolGradOp<string mnemonic, Trait precision>
    : LP_PureOp<mnemonic, [precision]> {
  let results = (outs LP_FloatTensor:$result);
  let extraClassDeclaration = [{
    llvm::SmallVector<int64_t, 2> getStrideOrKernel() {
      if (auto s = getStride())
        return llvm::SmallVector<int64_t, 2>(s->begin(), s->end());
      return llvm::SmallVector<int64_t, 2>(getKernel().begin(), getKernel().end());
    }
  }];
}

def LP_MaxPool2dGradOp : LP_PoolGradOp<"max_pool2d_grad", LP_Clear> {
  let summary = "Gradient of max_pool2d";
  let description = [{
    Routes each output gradient to one input position, the window's first
    maximum in row-major order (PyTorch's argmax; a NaN is the maximum;
    padding never wins). Overlapping windows add up.

    ```mlir
    %dx = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>}
        : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$grad,
                       DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
}

def LP_AvgPool2dGradOp : LP_PoolGradOp<"avg_pool2d_grad", LP_Follow> {
  let summary = "Gradient of avg_pool2d";
  let description = [{
    Spreads each output gradient evenly over its window (padding counted).

    ```mlir
    %dx = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>}
        : (tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$grad, DenseI64ArrayAttr:$kernel,
                       OptionalAttr<DenseI64ArrayAttr>:$stride,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0}">:$padding);
}

def LP_EmbeddingGradOp : LP_PureOp<"embedding_grad", [LP_Fp32]> {
  let summary = "Gradient of embedding: scatter-add rows into the table";
  let description = [{
    ```mlir
    %dt = lp.embedding_grad %ids, %dy : (tensor<4x16xi64>, tensor<4x16x32xf32>) -> tensor<96x32xf32>
    ```
  }];
  let arguments = (ins LP_IndexTensor:$indices, LP_FloatTensor:$grad);
  let results = (outs LP_FloatTensor:$result);
}

def LP_CrossEntropyGradOp : LP_PureOp<"cross_entropy_grad", [LP_Fp32]> {
  let summary = "Gradient of cross_entropy with respect to the logits";
  let description = [{
    `grad * (softmax(logits) - one_hot(labels)) / N`, with `grad` the
    scalar gradient of the loss.

    ```mlir
    %dl = lp.cross_entropy_grad %logits, %y, %dloss
        : (tensor<64x10xf32>, tensor<64xi64>, tensor<f32>) -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$logits, LP_IndexTensor:$labels,
                       LP_ScalarFloatTensor:$grad);
  let results = (outs LP_FloatTensor:$result);
}

def LP_ReduceMaxGradOp : LP_PureOp<"reduce_max_grad", [LP_Clear]> {
  let summary = "Gradient of reduce_max";
  let description = [{
    `grad` has the shape of the reduce_max result (with or without
    `keepdims`); it is split evenly among the positions equal to the
    maximum (as torch.amax and JAX do; a NaN is the maximum).

    ```mlir
    %dx = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input, LP_FloatTensor:$grad,
                       DenseI64ArrayAttr:$axes);
  let results = (outs LP_FloatTensor:$result);
}
