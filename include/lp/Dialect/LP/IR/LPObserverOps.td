//===- LPObserverOps.td - observers and quantization parameters -*- tablegen -*-===//
//
// Included from LPOps.td. What quantization-aware training computes ranges
// with (docs/Quantization.md): the range of a tensor, an observer's update
// of its state, and PyTorch's qparams from a range; and lp.select, with
// which lp-fake-quant switches observers and fake quantization per phase.
//
//===----------------------------------------------------------------------===//

def LP_AminmaxOp : LP_PureOp<"aminmax", [LP_Fp32, AllTypesMatch<["min", "max"]>]> {
  let summary = "Minimum and maximum of a tensor, or of each channel";
  let description = [{
    The smallest and largest element of `input` (rank-0 results), or with
    `axis` those of each slice along that dimension (`[C]` results, C the
    size of dimension `axis`), as `torch.aminmax` computes them: NaN
    propagates. It has no gradient; observers read it.

    ```mlir
    %lo, %hi = lp.aminmax %w {axis = 1 : i64} : (tensor<64x128xf32>) -> (tensor<128xf32>, tensor<128xf32>)
    ```
  }];
  let arguments = (ins LP_F32Tensor:$input, OptionalAttr<I64Attr>:$axis);
  let results = (outs LP_F32Tensor:$min, LP_F32Tensor:$max);
}

def LP_ObserveOp : LP_PureOp<"observe", [LP_Fp32,
    AllTypesMatch<["current_min", "current_max", "min", "max", "new_min", "new_max"]>]> {
  let summary = "An observer's update: its next range from the current one";
  let description = [{
    The next state of a min/max observer (`min`, `max`: rank 0, or `[C]`
    per channel) that has seen a tensor whose range is `current_min`,
    `current_max` (lp.aminmax). A state whose `min` exceeds its `max` has
    seen nothing yet (PyTorch starts observers at +inf/-inf; LP's
    observer state starts at the reversed range min = 1, max = -1, since
    initializers are finite): its next value is the current range as is.
    Otherwise, without `averaging_constant` it is PyTorch's
    `MinMaxObserver` (`min(current_min, min)`, `max(current_max, max)`,
    NaN propagating); with `averaging_constant` c it is
    `MovingAverageMinMaxObserver` (`min + c * (current_min - min)`, the
    same for max, in f32).

    ```mlir
    %nmin, %nmax = lp.observe %cmin, %cmax, %min, %max {averaging_constant = 0.01 : f64}
        : (tensor<f32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    ```
  }];
  let arguments = (ins LP_F32Tensor:$current_min, LP_F32Tensor:$current_max,
                       LP_F32Tensor:$min, LP_F32Tensor:$max,
                       OptionalAttr<F64Attr>:$averaging_constant);
  let results = (outs LP_F32Tensor:$new_min, LP_F32Tensor:$new_max);
}

def LP_QuantParamsOp : LP_PureOp<"quant_params", [LP_Fp32,
    AllTypesMatch<["min", "max", "scale", "zero_point"]>]> {
  let summary = "Scale and zero point from an observed range (PyTorch's qparams)";
  let description = [{
    PyTorch's `_calculate_qparams` for the range `[min, max]` (rank 0, or
    `[C]` per channel) and the integer range `[quant_min, quant_max]`, in
    f32. The range is widened to include 0: `mn = min(min, 0)`,
    `mx = max(max, 0)`.

    ```
    symmetric: scale = max(max(-mn, mx) / ((quant_max - quant_min) / 2), 2^-23)
               zero_point = 0 for a signed range; 128 for [0, 255];
                            (quant_min + quant_max) // 2 for another unsigned one
    affine:    scale = max((mx - mn) / (quant_max - quant_min), 2^-23)
               zero_point = clamp(quant_min - round_half_even(mn / scale),
                                  quant_min, quant_max)
    ```

    An empty range (`min > max`: nothing observed) gives scale 1 and zero
    point 0, as PyTorch's observers do before their first batch.

    ```mlir
    %s, %zp = lp.quant_params %min, %max {quant_min = -128 : i64, quant_max = 127 : i64, symmetric}
        : (tensor<f32>, tensor<f32>) -> (tensor<f32>, tensor<f32>)
    ```
  }];
  let arguments = (ins LP_F32Tensor:$min, LP_F32Tensor:$max,
                       I64Attr:$quant_min, I64Attr:$quant_max,
                       UnitAttr:$symmetric);
  let results = (outs LP_F32Tensor:$scale, LP_F32Tensor:$zero_point);
}

def LP_SelectOp : LP_DiffOp<"select", [LP_Follow,
    AllTypesMatch<["true_value", "false_value", "result"]>]> {
  let summary = "Elementwise choice: true_value where condition > 0";
  let description = [{
    `true_value` where `condition` is positive, else `false_value`
    (`torch.where(condition > 0, a, b)`). `condition` is a float tensor of
    rank 0 (one choice for the whole tensor) or of the values' shape; NaN
    is not positive. The gradient goes to the chosen value; the condition
    gets none. lp-fake-quant switches observers and fake quantization on
    and off per phase with it.

    ```mlir
    %y = lp.select %on, %xq, %x : (tensor<f32>, tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$condition, LP_FloatTensor:$true_value,
                       LP_FloatTensor:$false_value);
  let results = (outs LP_FloatTensor:$result);
}

def LP_StopGradientOp : LP_DiffOp<"stop_gradient", [LP_Clear,
    SameOperandsAndResultType]> {
  let summary = "Identity whose gradient is zero (PyTorch's detach)";
  let description = [{
    Returns `input`; autodiff sends no gradient through it. lp-fake-quant's
    learned ranges start from the current range through it, so that the
    range's gradient reaches the learned correction and not the weights.

    ```mlir
    %d = lp.stop_gradient %s : (tensor<8xf32>) -> tensor<8xf32>
    ```
  }];
  let arguments = (ins LP_FloatTensor:$input);
  let results = (outs LP_FloatTensor:$result);
}
