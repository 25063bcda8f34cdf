//===- Passes.td - LP transformation passes ----------------*- tablegen -*-===//

#ifndef LP_TRANSFORMS_PASSES_TD
#define LP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"
include "lp/Transforms/QuantPasses.td"

def Differentiate : Pass<"lp-differentiate", "mlir::ModuleOp"> {
  let summary = "Reverse-mode autodiff of a model: emit @<f>_grad";
  let description = [{
    For the model function `@f` (the only function with `lp.role`
    arguments, or the one named by `function`), adds `@f_grad` with the
    same arguments that returns `(losses..., loss.total, grads...,
    state...)`: every loss of `@f`, their weighted sum (`lp.loss_weights`,
    default 1), the gradient of that sum with respect to every `param`
    argument (named `<param>.grad`) and the model's state updates (results
    named like a `state` argument, not differentiated). Gradients come from each op's VjpOpInterface rule; an
    op without one is an error. A parameter the loss does not depend on
    gets a zero gradient and a warning. A model argument or result named
    like a value `@f_grad` adds (`loss.total`, `<param>.grad`) is an error
    at that argument, naming its number.

    ```mlir
    func.func @f(%x: tensor<4xf32> {lp.role = "input"},
                 %w: tensor<4xf32> {lp.role = "param", lp.name = "w"}) -> tensor<f32>
    // gains
    func.func @f_grad(...) -> (tensor<f32> {lp.name = "result0"},
                              tensor<f32> {lp.name = "loss.total"},
                              tensor<4xf32> {lp.name = "w.grad"})
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the one with lp.role arguments)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect"];
}

def Autocast : Pass<"lp-autocast", "mlir::ModuleOp"> {
  let summary = "Mixed precision by op policy: insert casts into a model";
  let description = [{
    Runs on the forward model, before autodiff, so that the backward pass
    mirrors the forward's precision through the casts' gradient rules. Each
    op is typed by its precision class (PrecisionOpInterface; the table is
    in docs/MixedPrecision.md): `lowp` ops (linear, matmul, conv2d) take
    operands of the compute type, accumulate in f32 and round their result
    once to it (`lowp-result=f32` keeps f32 results); `fp32` ops take f32
    operands; `follow` ops compute in the widest of their operands' types;
    `clear` ops keep their input's type. Ops of other dialects are treated
    as `fp32`, with a remark.

    Casts are placed once per value and type and shared by all uses: a
    parameter is cast once per step, at the top of the function, and the
    backward pass reuses that cast. Parameters stay f32 (master weights):
    their gradients reach them through the casts. `master-weights=false`
    is the naive loop kept for comparison: parameters become arguments of
    their override's type or the compute type, so that their gradients,
    optimizer state and updates are in that type too.

    Hybrid precision: `overrides` is `[layer:|param:]GLOB=VALUE[,...]`
    over `lp.layer` or parameter names (include/lp/Transforms/
    PrecisionPolicy.h); an op's own `lp.precision` attribute beats a layer
    override, which beats `compute-type`, and the last matching override
    wins. An op attribute also applies to `fp32` and `follow` ops; layer
    overrides and the compute type apply to `lowp` ops. A parameter
    override sets the precision the parameter is used at (its f32 master
    is rounded to it once per step); an op computes in the widest of its
    type and its parameters' types. A pattern that matches nothing is an
    error; int8/int4 need lp-fake-quant and fp8 is not supported yet.

    ```mlir
    // lp-opt --lp-autocast="compute-type=bf16 overrides=layer:fc3=f32"
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the only one)">,
    Option<"computeType", "compute-type", "std::string", /*default=*/"\"bf16\"",
           "The type of lowp ops: bf16, f16 or f32">,
    Option<"overrides", "overrides", "std::string", /*default=*/"\"\"",
           "Per-layer / per-parameter precision: [layer:|param:]GLOB=VALUE[,...]">,
    Option<"lowpResult", "lowp-result", "std::string", /*default=*/"\"low\"",
           "Result type of lowp ops: low (rounded once to the compute type, "
           "as torch.autocast) or f32 (the f32 accumulator)">,
    Option<"masterWeights", "master-weights", "bool", /*default=*/"true",
           "Keep parameters in f32 (default); false stores each parameter "
           "in its override's type or the compute type, with its gradient, "
           "optimizer state and update (the naive loop, for comparison)">,
    Option<"fakeQuantized", "fake-quantized", "bool", /*default=*/"false",
           "int8/int4 precisions (overrides, lp.precision) name what "
           "lp-fake-quant quantized: compute those ops in f32 instead of "
           "rejecting them">
  ];
  let dependentDialects = ["::lp::LPDialect"];
}

def WidenLowpProducts : Pass<"lp-widen-lowp-products", "mlir::ModuleOp"> {
  let summary = "Run low-precision products in f32 on operands widened once";
  let description = [{
    For a CPU whose library has no 16-bit products faster than f32 ones
    (bf16 without AMX-BF16, f16 everywhere with oneDNN 2.6: lp-run's
    `--lowp-products=auto`): every `lowp` op (linear,
    matmul, conv2d and the convolution gradients) whose operands are of a
    type in `types` reads them widened to f32 and computes in f32; a 16-bit
    result is rounded once afterwards. The numerics are those of the
    low-precision op: a product of two bf16 or f16 values is exact in f32
    and the accumulation is f32 either way. Each value is widened once per
    function, right after its definition, so a weight cast to bf16 for the
    forward pass and read again by the backward pass is widened once per
    step; lowered, the widening fuses with the rounding that produced the
    value (one elementwise pass), and the products and convolutions are the
    f32 library calls. lp-lower-to-linalg runs it with `widen-lowp`, which
    lp-run sets from the CPU's features (`--lowp-products`).

    ```mlir
    // lp-opt --lp-widen-lowp-products=types=bf16
    %y = lp.linear %x, %w : ... bf16 ... -> tensor<4x8xbf16>
    // becomes
    %xw = lp.cast %x : (tensor<4x16xbf16>) -> tensor<4x16xf32>
    %ww = lp.cast %w : (tensor<16x8xbf16>) -> tensor<16x8xf32>
    %y32 = lp.linear %xw, %ww : ... -> tensor<4x8xf32>
    %y = lp.cast %y32 : (tensor<4x8xf32>) -> tensor<4x8xbf16>
    ```
  }];
  let options = [
    ListOption<"types", "types", "std::string",
               "The 16-bit types whose products run widened: bf16, f16 "
               "(default both)">,
  ];
  let dependentDialects = ["::lp::LPDialect"];
}

def PrintPrecisionClasses : Pass<"lp-print-precision-classes", "mlir::ModuleOp"> {
  let summary = "Print the precision class of every lp op as a Markdown table";
  let description = [{
    Reads PrecisionOpInterface of every registered lp op and prints the
    table of docs/generated/PrecisionClasses.md (scripts/gen-docs.sh) to
    stdout; the module is left as it is.
  }];
}

def PrecisionReport : Pass<"lp-precision-report", "mlir::ModuleOp"> {
  let summary = "Print what precision each function and layer computes in";
  let description = [{
    For each function (or only `function`): the lp ops per element type
    they compute in, the casts by (from, to), the bytes of parameters,
    gradients, state and the values saved from the forward to the backward
    pass per element type, and per layer (`lp.layer`) the ops and casts.
    Printed to stdout; the module is left as it is. `lp-run
    --precision-report` prints the same for the step it trains.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "Report only this function (default: every function)">,
  ];
}

def BuildGradients : Pass<"lp-build-gradients", "mlir::ModuleOp"> {
  let summary = "Stage 1 of lp-build-train-step: the step up to its gradients";
  let description = [{
    For the model function `@f`, adds `@f_eval(args...) -> (losses...,
    loss.total[, logits], state updates...)` and `@f_train_step(params...,
    state..., step, batch...) -> (<p>.grad..., state updates..., step,
    losses..., loss.total)`: the forward pass, one `lp.loss_seed` per loss
    (the backward seed, today the loss's weight), the reverse pass, and one
    `lp.gradients` op over every parameter gradient, whose results are the
    `<p>.grad` results. `step` (tensor<i64>) counts iterations and always
    advances. A model argument with `lp.role = "state"` and a result of the
    same name are state the forward pass updates (counters, running
    statistics): threaded through both functions, never batch, loss or
    differentiated. Gradient transforms run next (the gradient contract,
    docs/Architecture.md); lp-apply-optimizer ends the step.

    `accumulate=N` (N > 1) is gradient accumulation: the step's batch
    arguments hold N micro-batches (leading dimension N times the model's;
    rank-0 ones and those named in `fixed-inputs`, such as an attention
    mask, are passed whole to every micro-batch),
    the forward and backward passes run on each in turn (model state
    threaded from one to the next), each loss seed is its weight / N, and
    the parameter gradients of the micro-batches are summed in the
    parameters' type (f32 master weights) before `lp.gradients`: the
    gradient transforms (unscale and check, clip) and the update see the sum
    once, as with PyTorch's `(loss / N).backward()` per micro-batch and one
    `step()`. The losses returned are the means over the micro-batches.

    ```mlir
    // lp-opt --lp-build-gradients model.mlir
    %seed = lp.loss_seed %loss {weight = 1.0 : f64} : (tensor<f32>) -> tensor<f32>
    ...
    %g:2 = lp.gradients %dw, %db {params = ["w", "b"]} : ...
    return %g#0, %g#1, %step, %loss, %total  // w.grad, b.grad, step, ...
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the one with lp.role arguments)">,
    Option<"accumulate", "accumulate", "int64_t", /*default=*/"1",
           "Micro-batches per step whose gradients are summed (>= 1)">,
    ListOption<"fixedInputs", "fixed-inputs", "std::string",
               "With accumulate: batch arguments passed whole to every "
               "micro-batch (masks, scales; rank-0 ones always are)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect",
                           "mlir::tensor::TensorDialect"];
}

def ClipGradients : Pass<"lp-clip-gradients", "mlir::ModuleOp"> {
  let summary = "Gradient transform (phase clip): clip by global norm or value";
  let description = [{
    Runs between lp-build-gradients and lp-apply-optimizer, after the
    scale-seeds and unscale transforms (the gradient contract,
    docs/Architecture.md). With `max-norm`, PyTorch's `clip_grad_norm_`:
    the global 2-norm of all parameter gradients (in f32, f64 when a
    gradient is f64), every gradient multiplied by `min(max-norm / (norm +
    1e-6), 1)`, and the norm before clipping returned as the step result
    `grad_norm`. With `max-value`, `clip_grad_value_`: every element clamped
    to `[-max-value, max-value]` (a NaN stays NaN). Exactly one of the two.

    ```mlir
    // lp-opt --lp-build-gradients --lp-clip-gradients=max-norm=1.0 --lp-apply-optimizer
    ```
  }];
  let options = [
    Option<"maxNorm", "max-norm", "double", /*default=*/"0.0",
           "Clip the global 2-norm of the gradients to this (0: off)">,
    Option<"maxValue", "max-value", "double", /*default=*/"0.0",
           "Clamp every gradient element to [-v, v] (0: off)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect"];
}

def LossScaling : Pass<"lp-loss-scaling", "mlir::ModuleOp"> {
  let summary = "Gradient transform (phases scale-seeds, unscale): loss scaling";
  let description = [{
    PyTorch GradScaler's rules (../shared/DESIGN.md section 3). Every loss
    seed (`lp.loss_seed`) is multiplied by the scale `S`, so the backward
    pass runs on the scaled loss; every gradient is multiplied by `1 / S`
    (computed in f64, rounded to f32); when any scaled gradient holds an
    inf or a NaN the step skips its update (`skip_if`: parameters and
    optimizer state stay bit-identical) and returns `found_inf` (and the
    optimizer returns `step.skipped`).

    `mode=static`: `S = init-scale`, a constant. `mode=dynamic`: `S` is the
    f32 state slot `loss_scale` (initialised to `init-scale`) with the
    growth tracker `loss_scale.growth` (i64): on overflow `S *=
    backoff-factor` (not below `min-scale` when given) and the tracker
    resets; otherwise the tracker counts up and when `tracker + 1 ==
    growth-interval` it resets and `S *= growth-factor` (not above
    `max-scale` when given; a growth that would give inf is not applied).
    Both slots are results of the step, so they are checkpointed.

    ```mlir
    // lp-opt --lp-build-gradients --lp-loss-scaling=mode=dynamic --lp-apply-optimizer
    ```
  }];
  let options = [
    Option<"mode", "mode", "std::string", /*default=*/"\"dynamic\"",
           "static or dynamic">,
    Option<"initScale", "init-scale", "double", /*default=*/"65536.0",
           "The (initial) scale (GradScaler: 2^16)">,
    Option<"growthFactor", "growth-factor", "double", /*default=*/"2.0",
           "Dynamic: growth after growth-interval finite steps">,
    Option<"backoffFactor", "backoff-factor", "double", /*default=*/"0.5",
           "Dynamic: factor on overflow">,
    Option<"growthInterval", "growth-interval", "int64_t", /*default=*/"2000",
           "Dynamic: finite steps between growths">,
    Option<"minScale", "min-scale", "double", /*default=*/"0.0",
           "Dynamic: the scale never backs off below this (0: no bound, as "
           "PyTorch)">,
    Option<"maxScale", "max-scale", "double", /*default=*/"0.0",
           "Dynamic: the scale never grows above this (0: no bound)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect"];
}

def ApplyOptimizer : Pass<"lp-apply-optimizer", "mlir::ModuleOp"> {
  let summary = "Last stage of lp-build-train-step: the optimizer updates";
  let description = [{
    In every function with an `lp.gradients` op (built by
    lp-build-gradients, rewritten by gradient transforms), replaces each
    `<p>.grad` result by the update of parameter `p` (PyTorch's SGD, Adam,
    AdamW: `lp.sgd_update`, `lp.adam_update`), which reads its gradient
    from `lp.gradients`. Optimizer state is registered as state slots
    (zeros): `<p>.sgd.momentum` (SGD with momentum; `sgd.t`, the count of
    applied updates, with dampening) or `<p>.adam.m`, `<p>.adam.v`
    (`<p>.adam.v_max` with AMSGrad) and `adam.t`, Adam's count of applied
    updates. The learning rate is an f32 constant (the option rounded
    once) that the updates take as an operand. `param-groups` overrides
    the settings by parameter name, as PyTorch's parameter groups
    (`GLOB:KEY=VALUE[,KEY=VALUE...]`, groups separated by `;`, the last
    match wins, keys lr, momentum, dampening, weight-decay, beta1, beta2,
    eps, nesterov, amsgrad; a group that matches no parameter is an
    error). When `lp.gradients` has a skip predicate, every update gets it
    (a skipped update changes no bit), the counts do not advance, and the
    step returns it as `step.skipped`. With
    `lr-schedule`, the learning rate is computed in the step from `step`
    (iterations before this one) in f64 and rounded once: `linear-warmup`
    (LinearLR), `cosine` (CosineAnnealingLR, closed form), `step` (StepLR).
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd, adam or adamw">,
    Option<"lr", "lr", "double", /*default=*/"0.01", "Learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum">,
    Option<"dampening", "dampening", "double", /*default=*/"0.0",
           "SGD dampening of the momentum buffer's new term">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false",
           "SGD Nesterov momentum (needs momentum, no dampening)">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Weight decay (L2 for sgd/adam, decoupled for adamw)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"eps", "eps", "double", /*default=*/"1.0e-8", "Adam epsilon">,
    Option<"amsgrad", "amsgrad", "bool", /*default=*/"false",
           "Adam/AdamW with AMSGrad (the running maximum of v)">,
    Option<"maximize", "maximize", "bool", /*default=*/"false",
           "Maximise the loss: the updates use the negated gradient "
           "(PyTorch's maximize)">,
    Option<"paramGroups", "param-groups", "std::string", /*default=*/"\"\"",
           "Per-parameter settings, GLOB:KEY=VALUE[,...][;...] (the last "
           "matching group wins; e.g. '{*.b,*.gamma}:weight-decay=0')">,
    Option<"lrSchedule", "lr-schedule", "std::string",
           /*default=*/"\"constant\"",
           "constant, linear-warmup, cosine or step (PyTorch's LinearLR, "
           "CosineAnnealingLR, StepLR), driven by `step`">,
    Option<"warmupSteps", "warmup-steps", "int64_t", /*default=*/"0",
           "linear-warmup: steps to reach lr">,
    Option<"warmupStartFactor", "warmup-start-factor", "double",
           /*default=*/"1.0 / 3.0",
           "linear-warmup: the first step's fraction of lr (LinearLR's "
           "start_factor)">,
    Option<"totalSteps", "total-steps", "int64_t", /*default=*/"0",
           "cosine: the period's half (CosineAnnealingLR's T_max)">,
    Option<"minLr", "min-lr", "double", /*default=*/"0.0",
           "cosine: the lowest learning rate (eta_min)">,
    Option<"stepSize", "step-size", "int64_t", /*default=*/"0",
           "step: decay every this many steps">,
    Option<"gamma", "gamma", "double", /*default=*/"0.1",
           "step: the decay factor">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect", "::lp::LPDialect"];
}

def BuildTrainStep : Pass<"lp-build-train-step", "mlir::ModuleOp"> {
  let summary = "Build the training step (autodiff + optimizer) of a model";
  let description = [{
    For the model function `@f`, adds
    `@f_train_step(params..., state..., batch...) -> (params'..., state'...,
    losses..., loss.total)` and `@f_eval(params..., state..., batch...) ->
    (losses..., loss.total[, logits], state'...)`, and removes nothing, by
    running its stages: `lp-build-gradients`, the gradient transforms in
    the contract's order (scale seeds, unscale and check, clip, all-reduce;
    today `loss-scale` selects `lp-loss-scaling` and `clip-norm` /
    `clip-value` select `lp-clip-gradients`; `precision` runs
    `lp-autocast` on the model first) and
    `lp-apply-optimizer` (see those). Every argument and result carries an `lp.name`; a result named
    like an argument is that argument's next value, so a runner binds state
    without knowing the model. State: `step` (tensor<i64>, iterations),
    the model's own `state` arguments, and the optimizer's slots
    (`<p>.sgd.momentum`, `sgd.t`, or `<p>.adam.m`, `<p>.adam.v`,
    `<p>.adam.v_max`, `adam.t`), all
    initialised to zeros (`lp.role = "state"`). `@f_eval` returns the
    logits of the first `lp.cross_entropy` (named `logits`) for accuracy.
    These names and those of features to come (`loss_scale`,
    `<p>.observer.min`, ...) are reserved (`AbiNames.h`): a model argument
    or result that uses one is an error at that argument, naming its
    number, as is a loss named like an argument.

    ```mlir
    // lp-opt --lp-build-train-step="optimizer=adam lr=0.001" model.mlir
    ```
  }];
  let options = [
    Option<"lossScale", "loss-scale", "std::string", /*default=*/"\"none\"",
           "Loss scaling: none, static or dynamic (lp-loss-scaling)">,
    Option<"initScale", "init-scale", "double", /*default=*/"65536.0",
           "lp-loss-scaling init-scale">,
    Option<"growthFactor", "growth-factor", "double", /*default=*/"2.0",
           "lp-loss-scaling growth-factor">,
    Option<"backoffFactor", "backoff-factor", "double", /*default=*/"0.5",
           "lp-loss-scaling backoff-factor">,
    Option<"growthInterval", "growth-interval", "int64_t", /*default=*/"2000",
           "lp-loss-scaling growth-interval">,
    Option<"minScale", "min-scale", "double", /*default=*/"0.0",
           "lp-loss-scaling min-scale">,
    Option<"maxScale", "max-scale", "double", /*default=*/"0.0",
           "lp-loss-scaling max-scale">,
    Option<"accumulate", "accumulate", "int64_t", /*default=*/"1",
           "Gradient accumulation: micro-batches per step "
           "(lp-build-gradients accumulate)">,
    ListOption<"fixedInputs", "fixed-inputs", "std::string",
               "lp-build-gradients fixed-inputs (with accumulate)">,
    Option<"precision", "precision", "std::string", /*default=*/"\"f32\"",
           "Mixed precision: f32 (none), bf16 or f16 (lp-autocast "
           "compute-type, on the model before autodiff)">,
    Option<"precisionOverrides", "precision-overrides", "std::string",
           /*default=*/"\"\"",
           "lp-autocast overrides: [layer:|param:]GLOB=VALUE[,...]">,
    Option<"prune", "prune", "std::string", /*default=*/"\"\"",
           "Magnitude pruning: lp-prune's params glob ('*' for every "
           "weight); empty: off. The masks' schedule is lp-run's --prune">,
    Option<"fakeQuant", "fake-quant", "std::string", /*default=*/"\"\"",
           "Quantization-aware training: lp-fake-quant's options (e.g. "
           "'weights=int4 freeze-after=500'; 'on' for the defaults), run "
           "before lp-autocast with the precision overrides; empty: off">,
    Option<"lowpResult", "lowp-result", "std::string", /*default=*/"\"low\"",
           "lp-autocast lowp-result: low or f32">,
    Option<"masterWeights", "master-weights", "bool", /*default=*/"true",
           "lp-autocast master-weights: false stores the parameters in the "
           "low type (the naive loop)">,
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the one with lp.role arguments)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd, adam or adamw">,
    Option<"lr", "lr", "double", /*default=*/"0.01", "Learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum">,
    Option<"dampening", "dampening", "double", /*default=*/"0.0",
           "SGD dampening of the momentum buffer's new term">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false",
           "SGD Nesterov momentum (needs momentum, no dampening)">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Weight decay (L2 for sgd/adam, decoupled for adamw)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"eps", "eps", "double", /*default=*/"1.0e-8", "Adam epsilon">,
    Option<"amsgrad", "amsgrad", "bool", /*default=*/"false",
           "Adam/AdamW with AMSGrad (the running maximum of v)">,
    Option<"maximize", "maximize", "bool", /*default=*/"false",
           "Maximise the loss: the updates use the negated gradient "
           "(PyTorch's maximize)">,
    Option<"paramGroups", "param-groups", "std::string", /*default=*/"\"\"",
           "Per-parameter settings, GLOB:KEY=VALUE[,...][;...] (the last "
           "matching group wins; e.g. '{*.b,*.gamma}:weight-decay=0')">,
    Option<"clipNorm", "clip-norm", "double", /*default=*/"0.0",
           "Clip the gradients' global 2-norm to this (lp-clip-gradients "
           "max-norm; 0: off)">,
    Option<"clipValue", "clip-value", "double", /*default=*/"0.0",
           "Clamp the gradients to [-v, v] (lp-clip-gradients max-value; "
           "0: off)">,
    Option<"lrSchedule", "lr-schedule", "std::string",
           /*default=*/"\"constant\"",
           "constant, linear-warmup, cosine or step (PyTorch's LinearLR, "
           "CosineAnnealingLR, StepLR), driven by `step`">,
    Option<"warmupSteps", "warmup-steps", "int64_t", /*default=*/"0",
           "linear-warmup: steps to reach lr">,
    Option<"warmupStartFactor", "warmup-start-factor", "double",
           /*default=*/"1.0 / 3.0",
           "linear-warmup: the first step's fraction of lr (LinearLR's "
           "start_factor)">,
    Option<"totalSteps", "total-steps", "int64_t", /*default=*/"0",
           "cosine: the period's half (CosineAnnealingLR's T_max)">,
    Option<"minLr", "min-lr", "double", /*default=*/"0.0",
           "cosine: the lowest learning rate (eta_min)">,
    Option<"stepSize", "step-size", "int64_t", /*default=*/"0",
           "step: decay every this many steps">,
    Option<"gamma", "gamma", "double", /*default=*/"0.1",
           "step: the decay factor">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect", "::lp::LPDialect",
                           "mlir::tensor::TensorDialect"];
}

def OutlineBlocks : Pass<"lp-outline-blocks", "mlir::ModuleOp"> {
  let summary = "Outline the repeated blocks of a model into shared functions";
  let description = [{
    A block instance is the prefix of an op's `lp.layer` up to its first
    indexed component: `blk3.attn.q` belongs to `blk3` (template `blkN`),
    `layers.3.mlp.fc1` to `layers.3` (template `layers.N`); `head` or
    `tok_emb` belong to none. lp-build-train-step gives the backward ops of
    a layer the layer's name, so the forward and the backward of an
    instance each form a contiguous run of ops. Runs that are the same code
    (same ops, attributes, types and dataflow; only `lp.layer` differs)
    are outlined into one private `func.func @block_<template>` (with
    `lp.block = "<template>"`) that every run calls: its arguments are the
    values the run reads from outside (constants are cloned in), its
    results the values used after it (the union over the runs). The rest
    of the pipeline then lowers each block once, whatever the depth of the
    model; a run that is not repeated stays inline. Only pure ops without
    regions are outlined; constants between a run's ops do not end it.

    ```mlir
    // lp-opt --lp-build-train-step --lp-outline-blocks model.mlir
    %0 = lp.relu %x {lp.layer = "blk0.fc"} ...   // -> func.call @block_blkN
    ```
  }];
  let options = [
    Option<"minOps", "min-ops", "unsigned", /*default=*/"2",
           "Shortest run worth a function">
  ];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def RecordSignature : Pass<"lp-record-signature", "mlir::ModuleOp"> {
  let summary = "Record each public function's calling convention";
  let description = [{
    Writes the calling convention of every public function into its
    `lp.signature` attribute, as a version-1 JSON document
    (docs/Architecture.md): per argument its name (`lp.name`, else
    `argN`), role (`lp.role`, else `input`), dtype, shape, initialiser
    (parameters and state; zeros without `lp.init`) and, for integer
    labels and embedding indices, the bound `[0, n)` their uses imply; per
    result its name (`lp.name`, else `resultN`), dtype, shape and role
    (`loss_total` for `loss.total`, `logits`, `state` for a result named
    like a parameter or state argument, `loss` for another f32 scalar,
    else `output`); and the argument that counts steps (`step`). Runs on
    the model while it is still in the lp dialect; lowering keeps the
    attribute and lp-emit-entry-points completes it. Functions whose
    arguments or results the runtime cannot bind (dynamic shapes,
    unsupported element types) get no signature.

    ```mlir
    func.func @f(%x: tensor<2xf32> {lp.name = "x", lp.role = "input"})
        -> (tensor<f32> {lp.name = "loss"})
    // becomes
    func.func @f(...) -> ... attributes {lp.signature = "{"args":[...],...}"}
    ```
  }];
}

#endif // LP_TRANSFORMS_PASSES_TD
