//===- QuantPasses.td - low-precision training passes -------*- tablegen -*-===//
//
// Included from Passes.td: quantization-aware training and pruning
// (docs/Quantization.md).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_QUANTPASSES_TD
#define LP_TRANSFORMS_QUANTPASSES_TD

include "mlir/Pass/PassBase.td"

def FakeQuant : Pass<"lp-fake-quant", "mlir::ModuleOp"> {
  let summary = "Quantization-aware training: fake-quantize lowp ops' operands";
  let description = [{
    Runs on the forward model, before lp-autocast and autodiff. Every
    operand of a `lowp` op (linear, matmul, conv2d) is fake-quantized
    (lp.fake_quant, docs/Quantization.md), except biases and, unless
    `activation-products`, the operands of a matmul of two activations
    (attention's products, which PyTorch's eager QAT leaves in float): an
    operand that is a `param` argument is a weight (`weights`, `scheme`, per output
    channel with `granularity=per-channel`), any other is an activation
    (`activations`, `activation-scheme`, per tensor). A value used by
    several ops is quantized once.

    Ranges: activations are observed (`observer=moving-average`, PyTorch's
    MovingAverageMinMaxObserver with `averaging-constant`, or `min-max`);
    weights too with `weight-range=observer`, or with
    `weight-range=current` take the current weights' range every step
    (per-channel max-abs for symmetric ranges, as current-scaling recipes
    do). With `weight-range=learned` the scale is
    the current range's times `exp(a)`, `a` a parameter
    `<name>.fq.log_scale` (zeros) trained with LSQ's gradient (grad_factor
    1/sqrt(elements per range * quant_max)); the current range passes
    through lp.stop_gradient. Each observer is a pair of `state` arguments (`<name>.fq.min`,
    `<name>.fq.max`, starting empty) that the model returns updated
    (ModelFormat.md: state the forward pass updates), so the train step
    and checkpoints carry it.

    Phases: with `calibrate=C` the first C steps observe without fake
    quantization; with `freeze-after=N` observers stop after N steps and
    their ranges stay fixed. Both count forward calls in a state
    argument `fq.steps`.

    Per-layer precision (hybrid): `overrides` is lp-autocast's syntax
    (`[layer:|param:]GLOB=VALUE[,...]`); `int8`/`int4` set a layer's or a
    parameter's weight bits, a float value leaves the layer unquantized
    (for lp-autocast to compute in that type), and an op's `lp.precision`
    beats both. A pattern that matches nothing is an error.

    ```mlir
    // lp-opt --lp-fake-quant="weights=int4 activations=int8 overrides=layer:fc1=int8"
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only one)">,
    Option<"weights", "weights", "std::string", /*default=*/"\"int8\"",
           "Weight bits: int8, int4 or none">,
    Option<"activations", "activations", "std::string", /*default=*/"\"int8\"",
           "Activation bits: int8, int4 or none">,
    Option<"scheme", "scheme", "std::string", /*default=*/"\"symmetric\"",
           "Weight ranges: symmetric (zero point 0) or affine">,
    Option<"activationScheme", "activation-scheme", "std::string",
           /*default=*/"\"affine\"",
           "Activation ranges: affine (PyTorch's default) or symmetric">,
    Option<"granularity", "granularity", "std::string",
           /*default=*/"\"per-channel\"",
           "Weight ranges per-channel (output channels) or per-tensor">,
    Option<"weightRange", "weight-range", "std::string",
           /*default=*/"\"observer\"",
           "Where weight ranges come from: observer, current or learned">,
    Option<"observer", "observer", "std::string",
           /*default=*/"\"moving-average\"",
           "Observers: moving-average or min-max">,
    Option<"averagingConstant", "averaging-constant", "double",
           /*default=*/"0.01", "The moving average's constant, in (0, 1]">,
    Option<"calibrate", "calibrate", "int64_t", /*default=*/"0",
           "Steps that only observe, before fake quantization starts">,
    Option<"freezeAfter", "freeze-after", "int64_t", /*default=*/"0",
           "Freeze the observed ranges after this many steps (0: never)">,
    Option<"overrides", "overrides", "std::string", /*default=*/"\"\"",
           "Per-layer / per-parameter precision: [layer:|param:]GLOB=VALUE[,...]">,
    Option<"activationProducts", "activation-products", "bool",
           /*default=*/"false",
           "Also quantize products of two activations (lp.matmul without a "
           "parameter operand: attention's Q K^T and P V), which PyTorch's "
           "eager QAT leaves in float">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect"];
}

def Prune : Pass<"lp-prune", "mlir::ModuleOp"> {
  let summary = "Magnitude pruning: weights read through masks kept as state";
  let description = [{
    Every `param` argument of rank 2 or more whose name matches `params`
    (a glob, default all) gains a mask: a read-only `state` argument
    `<name>.prune.mask` of its type, initially ones, and every use of the
    parameter reads `parameter * mask` instead. A masked weight is exactly
    zero in every product and gets a zero gradient, whatever the optimizer
    does to the stored value (PyTorch's `torch.nn.utils.prune` keeps
    `weight_orig` and `weight_mask` the same way). The masks are state the
    trainer writes: lp-run `--prune` sets them by magnitude on its
    schedule (docs/Quantization.md). Runs on the forward model, after
    lp-fake-quant (so that weights are quantized after masking).
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only one)">,
    Option<"params", "params", "std::string", /*default=*/"\"*\"",
           "Glob over parameter names: which weights get masks">
  ];
  let dependentDialects = ["::lp::LPDialect"];
}

def QuantConvert : Pass<"lp-quant-convert", "mlir::ModuleOp"> {
  let summary = "A fake-quantized model's deployable form: integer weights "
                "and static scales";
  let description = [{
    Runs on a model after lp-fake-quant (lp-run `--quantize` runs it on the
    model's eval function) and adds four functions next to it, `@f` being
    the model:

    - `@f_frozen`: the fake-quantized model with its ranges frozen: every
      observer reads its state and no longer updates it (no state
      results), and fake quantization is on whatever the phase.
    - `@f_float`: the same model without fake quantization (the float
      model the ranges were observed on).
    - `@f_quantize`: from the parameters and state only, what the
      deployable model stores: for each fake-quantized weight `w` its
      integer codes (`lp.quantize`), `w.int8` (i8, the weight's shape) or,
      for ranges within [-8, 7], `w.int4` (`lp.pack_int4`: two codes per
      byte), with `w.scale` and `w.zero_point`; for each fake-quantized
      activation `a` its static `a.scale` and `a.zero_point`; with
      `f16-weights`, every other weight of a lowp op as `w.f16`. The
      scales are those the model's own ops compute (observers' state,
      current or learned ranges), not recalibrated, as torch.ao's
      `convert` keeps what QAT froze or learned.
    - `@f_quantized`: `@f_frozen` reading those arrays (`state`
      arguments): `lp.dequantize` (after `lp.unpack_int4`) instead of each
      weight's fake quantization, the static scales in the activations'
      lp.fake_quant, an `lp.cast` of each f16 weight. Its results equal
      `@f_frozen`'s bit for bit (lp.dequantize of lp.quantize's codes is
      lp.fake_quant's value); f16 weights round as f16.

    An activation is named after its observer's state (`fc2.input` from
    `fc2.input.fq.min`); a weight read through lp-prune's mask is the
    masked weight.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only one)">,
    Option<"f16Weights", "f16-weights", "bool", /*default=*/"false",
           "Store the weights of lowp ops that are not fake-quantized as f16">
  ];
  let dependentDialects = ["::lp::LPDialect"];
}

#endif // LP_TRANSFORMS_QUANTPASSES_TD
