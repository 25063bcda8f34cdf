//===- Passes.td - LP transformation passes ----------------*- tablegen -*-===//

#ifndef LP_TRANSFORMS_PASSES_TD
#define LP_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def Differentiate : Pass<"lp-differentiate", "mlir::ModuleOp"> {
  let summary = "Reverse-mode autodiff of a model: emit @<f>_grad";
  let description = [{
    For the model function `@f` (the only function with `lp.role`
    arguments, or the one named by `function`), adds `@f_grad` with the
    same arguments that returns `(losses..., loss.total, grads...)`: every
    loss of `@f`, their weighted sum (`lp.loss_weights`, default 1) and the
    gradient of that sum with respect to every `param` argument (named
    `<param>.grad`). Gradients come from each op's VjpOpInterface rule; an
    op without one is an error. A parameter the loss does not depend on
    gets a zero gradient and a warning.

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

def BuildTrainStep : Pass<"lp-build-train-step", "mlir::ModuleOp"> {
  let summary = "Build the training step (autodiff + optimizer) of a model";
  let description = [{
    For the model function `@f`, adds
    `@f_train_step(params..., state..., batch...) -> (params'..., state'...,
    losses..., loss.total)` and `@f_eval(params..., batch...) -> (losses...,
    loss.total[, logits])`, and removes nothing. Every argument and result
    carries an `lp.name`; a result named like an argument is that
    argument's next value, so a runner binds state without knowing the
    model. State: `step` (tensor<i64>, the number of steps taken) and per
    parameter `<p>.sgd.momentum` (SGD with momentum) or `<p>.adam.m`,
    `<p>.adam.v` (Adam, AdamW), all initialised to zeros (`lp.role =
    "state"`). Updates follow PyTorch's SGD, Adam and AdamW (see
    `lp.sgd_update`, `lp.adam_update`). `@f_eval` returns the logits of
    the first `lp.cross_entropy` (named `logits`) for accuracy.

    ```mlir
    // lp-opt --lp-build-train-step="optimizer=adam lr=0.001" model.mlir
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "The model function (default: the one with lp.role arguments)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "sgd, adam or adamw">,
    Option<"lr", "lr", "double", /*default=*/"0.01", "Learning rate">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0",
           "SGD momentum">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Weight decay (L2 for sgd/adam, decoupled for adamw)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"eps", "eps", "double", /*default=*/"1.0e-8", "Adam epsilon">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect", "::lp::LPDialect"];
}

#endif // LP_TRANSFORMS_PASSES_TD
