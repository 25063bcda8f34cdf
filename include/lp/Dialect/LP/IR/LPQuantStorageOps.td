//===- LPQuantStorageOps.td - integer weights and their codes -*- tablegen -*-===//
//
// Included from LPOps.td. What a quantized model stores (docs/Quantization.md,
// "Writing quantized weights"): integer codes made from f32 values, codes
// mapped back to f32, and int4 codes packed two to a byte.
//
//===----------------------------------------------------------------------===//

def LP_I8Tensor : LP_TensorOf<[I8]>;

def LP_QuantizeOp : LP_FakeQuantBase<"quantize", [LP_Fp32]> {
  let summary = "Integer codes of f32 values (the first half of fake_quant)";
  let description = [{
    The codes lp.fake_quant rounds to, as i8:

    ```
    zp = clamp(round_half_even(zero_point), quant_min, quant_max)
    q  = clamp(round_half_even(input * (1.0f / scale)) + zp, quant_min, quant_max)
    ```

    so that `lp.dequantize` of the codes gives lp.fake_quant's result bit
    for bit. +-inf saturate to the ends of the range; NaN, which has no
    code, becomes the zero point (0 once dequantized). The range must fit
    i8 (`[-128, 127]`, `[-8, 7]`, ...). It has no gradient: quantized
    models are for inference.

    ```mlir
    %q = lp.quantize %w, %s, %zp {quant_min = -128, quant_max = 127, axis = 1}
        : (tensor<8x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xi8>
    ```
  }];
  let arguments = (ins LP_F32Tensor:$input, LP_F32Tensor:$scale,
                       LP_F32Tensor:$zero_point, I64Attr:$quant_min,
                       I64Attr:$quant_max, OptionalAttr<I64Attr>:$axis);
  let results = (outs LP_I8Tensor:$result);
  let hasVerifier = 1;
}

def LP_DequantizeOp : LP_PureOp<"dequantize", [LP_Fp32]> {
  let summary = "f32 values of integer codes";
  let description = [{
    `(f32(input) - zp) * scale` in f32, per tensor or along `axis`, with
    `zp = clamp(round_half_even(zero_point), quant_min, quant_max)` as
    lp.fake_quant takes it: for codes made by `lp.quantize` with the same
    scale, zero point and range, the value lp.fake_quant gives, bit for
    bit.
    `quant_min` and `quant_max` name the codes' range, which the verifier
    checks as lp.fake_quant's.

    ```mlir
    %w = lp.dequantize %q, %s, %zp {quant_min = -8, quant_max = 7, axis = 1}
        : (tensor<8x16xi8>, tensor<16xf32>, tensor<16xf32>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins LP_I8Tensor:$input, LP_F32Tensor:$scale,
                       LP_F32Tensor:$zero_point, I64Attr:$quant_min,
                       I64Attr:$quant_max, OptionalAttr<I64Attr>:$axis);
  let results = (outs LP_F32Tensor:$result);
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    std::optional<int64_t> getChannelAxis() {
      if (auto axis = getAxisAttr())
        return axis.getInt();
      return std::nullopt;
    }
  }];
}

def LP_PackInt4Op : LP_PureOp<"pack_int4", [LP_Clear]> {
  let summary = "int4 codes packed two to a byte";
  let description = [{
    The codes of `input` (values in [-8, 7], any shape) in row-major
    order, two per byte: element `2k` in the low nibble of byte `k`,
    element `2k + 1` in its high nibble (0 when the count is odd). The
    result is `[ceil(n / 2)]`. Only the low 4 bits of each code are kept.

    ```mlir
    %p = lp.pack_int4 %q : (tensor<8x16xi8>) -> tensor<64xi8>
    ```
  }];
  let arguments = (ins LP_I8Tensor:$input);
  let results = (outs LP_I8Tensor:$result);
  let hasVerifier = 1;
}

def LP_UnpackInt4Op : LP_PureOp<"unpack_int4", [LP_Clear]> {
  let summary = "int4 codes from bytes packed by lp.pack_int4";
  let description = [{
    The inverse of `lp.pack_int4`: the nibbles of `input` (`[ceil(n /
    2)]` bytes), low nibble first, sign-extended to i8, in the result's
    shape (n elements).

    ```mlir
    %q = lp.unpack_int4 %p : (tensor<64xi8>) -> tensor<8x16xi8>
    ```
  }];
  let arguments = (ins LP_I8Tensor:$input);
  let results = (outs LP_I8Tensor:$result);
  let hasVerifier = 1;
}
