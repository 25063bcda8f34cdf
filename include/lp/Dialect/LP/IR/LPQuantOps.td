//===- LPQuantOps.td - fake quantization ops ----------------*- tablegen -*-===//
//
// Included from LPOps.td. Quantization-aware training (docs/Quantization.md):
// the forward op and the op its straight-through gradient is built from.
//
//===----------------------------------------------------------------------===//

def LP_F32Tensor : LP_TensorOf<[F32]>;

/// Operands and attributes shared by lp.fake_quant and its gradient.
class LP_FakeQuantBase<string mnemonic, list<Trait> traits>
    : LP_PureOp<mnemonic, traits> {
  let results = (outs LP_F32Tensor:$result);
  let extraClassDeclaration = [{
    /// The per-channel axis, or std::nullopt when per tensor.
    std::optional<int64_t> getChannelAxis() {
      if (auto axis = getAxisAttr())
        return axis.getInt();
      return std::nullopt;
    }
  }];
}

def LP_FakeQuantOp : LP_FakeQuantBase<"fake_quant",
    [DeclareOpInterfaceMethods<LP_VjpOpInterface>, LP_Fp32,
     AllTypesMatch<["input", "result"]>]> {
  let summary = "Fake quantization (PyTorch's fake_quantize_per_*_affine)";
  let description = [{
    Rounds `input` to the integer grid `quant_min..quant_max` of `scale`
    and `zero_point` and maps it back to f32, as PyTorch's
    `fake_quantize_per_tensor_affine` / `fake_quantize_per_channel_affine`
    compute it, always in f32:

    ```
    zp  = clamp(round_half_even(zero_point), quant_min, quant_max)
    q   = round_half_even(input * (1.0f / scale)) + zp
    out = (clamp(q, quant_min, quant_max) - zp) * scale
    ```

    `scale` and `zero_point` are operands (observers, the current tensor
    or learned parameters give them): rank-0 tensors for one range per
    tensor, or `[C]` tensors with `axis` naming the dimension of size C for
    one range per channel. `zero_point` holds integers in f32 (PyTorch's
    learnable variant rounds and clamps it the same way). The range
    `[quant_min, quant_max]` is that of a signed or unsigned integer of 2
    to 8 bits, possibly narrow (`[-127, 127]`): `[-128, 127]` for int8,
    `[-8, 7]` for int4, `[0, 255]` for uint8.

    NaN stays NaN; +-inf saturate to the ends of the range (PyTorch's x86
    kernel maps both to `quant_min` through an undefined float-to-int64
    conversion: a deliberate difference, docs/Quantization.md).

    The gradient is the straight-through estimator with the clipping mask
    (`lp.fake_quant_grad`). `scale` and `zero_point` get none, unless
    `learnable` is set: then they get PyTorch's LSQ gradients
    (`_fake_quantize_learnable_per_*_affine`, `lp.fake_quant_range_grad`)
    summed over the tensor or over each channel and multiplied by
    `grad_factor`.

    ```mlir
    %y = lp.fake_quant %x, %s, %zp {quant_min = -128, quant_max = 127}
        : (tensor<4x8xf32>, tensor<f32>, tensor<f32>) -> tensor<4x8xf32>
    %w8 = lp.fake_quant %w, %sc, %zc {quant_min = -127, quant_max = 127, axis = 1}
        : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins LP_F32Tensor:$input, LP_F32Tensor:$scale,
                       LP_F32Tensor:$zero_point, I64Attr:$quant_min,
                       I64Attr:$quant_max, OptionalAttr<I64Attr>:$axis,
                       UnitAttr:$learnable,
                       DefaultValuedAttr<F64Attr, "1.0">:$grad_factor);
}

def LP_FakeQuantGradOp : LP_FakeQuantBase<"fake_quant_grad",
    [LP_Fp32, AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "Straight-through gradient of fake_quant";
  let description = [{
    `grad` where `quant_min <= round_half_even(input / scale) + zp <=
    quant_max` (the clipping mask, computed as lp.fake_quant computes q),
    else 0: PyTorch's `dy * mask`.

    ```mlir
    %dx = lp.fake_quant_grad %x, %s, %zp, %dy {quant_min = -128, quant_max = 127}
        : (tensor<4x8xf32>, tensor<f32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_F32Tensor:$input, LP_F32Tensor:$scale,
                       LP_F32Tensor:$zero_point, LP_F32Tensor:$grad,
                       I64Attr:$quant_min, I64Attr:$quant_max,
                       OptionalAttr<I64Attr>:$axis);
}

def LP_FakeQuantRangeGradOp : LP_FakeQuantBase<"fake_quant_range_grad",
    [LP_Fp32, AllTypesMatch<["input", "grad", "result"]>]> {
  let summary = "Per-element LSQ gradient of fake_quant's scale or zero point";
  let description = [{
    With `xs = input * (1/scale)`, `q = round_half_even(xs) + zp`, each
    element's contribution to the gradient of the scale, or (with
    `zero_point`) of the zero point, as PyTorch's learnable fake
    quantization computes it, times `grad_factor`:

    ```
    scale:      (quant_min - zp) * grad   where q < quant_min
                (quant_max - zp) * grad   where q > quant_max
                (round(xs) - xs) * grad   elsewhere
    zero point: -scale * grad where q is outside the range, else 0
    ```

    lp.fake_quant's gradient rule sums it over the tensor, or over each
    channel.

    ```mlir
    %ds = lp.fake_quant_range_grad %x, %s, %zp, %dy {quant_min = -128 : i64, quant_max = 127 : i64}
        : (tensor<4x8xf32>, tensor<f32>, tensor<f32>, tensor<4x8xf32>) -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins LP_F32Tensor:$input, LP_F32Tensor:$scale,
                       LP_F32Tensor:$zero_point, LP_F32Tensor:$grad,
                       I64Attr:$quant_min, I64Attr:$quant_max,
                       OptionalAttr<I64Attr>:$axis, UnitAttr:$zero_point_grad,
                       DefaultValuedAttr<F64Attr, "1.0">:$grad_factor);
}
