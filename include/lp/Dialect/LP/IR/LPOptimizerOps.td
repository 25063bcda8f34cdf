//===- LPOptimizerOps.td - optimizer update ops ------------*- tablegen -*-===//
//
// Included from LPOps.td. One op per update rule, elementwise over a
// parameter, with PyTorch's formulas. The learning rate is an operand (a
// schedule computes it in f64 and rounds it to f32, or keeps f64 for f64
// parameters), and so is an optional
// skip predicate: a skipped update returns its parameter and state
// unchanged, bit for bit.
//
//===----------------------------------------------------------------------===//

def LP_SgdUpdateOp : LP_PureOp<"sgd_update", [LP_Fp32, AttrSizedOperandSegments]> {
  let summary = "SGD step (PyTorch torch.optim.SGD)";
  let description = [{
    `g = grad + weight_decay * param`; with momentum, `buf = g` on the
    first applied update and `buf = momentum * buf + (1 - dampening) * g`
    after it, then `param - lr * (g + momentum * buf)` with `nesterov`,
    `param - lr * buf` without; without momentum, `param - lr * g`. The
    momentum buffer operand and result are present exactly when
    `momentum != 0`. The buffer starts at zero, so without dampening the
    first update needs no special case; with dampening, `count` (the
    number of applied updates, this one included, as Adam's) tells the
    first update apart, and is present exactly then. `nesterov` needs
    momentum and no dampening, as PyTorch. With `skip_if` true, every
    result is its input.

    ```mlir
    %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.9 : f64, weight_decay = 0.0 : f64}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
    %p3, %b3 = lp.sgd_update %p, %g momentum_buffer %b count %t lr %lr {momentum = 0.9 : f64, dampening = 0.5 : f64}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins LP_FloatTensor:$param, LP_FloatTensor:$grad,
                       Optional<LP_FloatTensor>:$momentum_buffer,
                       Optional<0DTensorOf<[I64]>>:$count,
                       LP_LearningRate:$lr,
                       Optional<LP_ScalarI1Tensor>:$skip,
                       F64Attr:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$dampening,
                       DefaultValuedAttr<BoolAttr, "false">:$nesterov,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay);
  let results = (outs LP_FloatTensor:$new_param,
                      Optional<LP_FloatTensor>:$new_momentum_buffer);
  let assemblyFormat = [{
    $param `,` $grad (`momentum_buffer` $momentum_buffer^)?
    (`count` $count^)? `lr` $lr
    (`skip_if` $skip^)? attr-dict `:` functional-type(operands, results)
  }];
}

def LP_AdamUpdateOp : LP_PureOp<"adam_update", [LP_Fp32, AttrSizedOperandSegments]> {
  let summary = "Adam / AdamW step (PyTorch torch.optim.Adam / AdamW)";
  let description = [{
    `count` is the number of updates applied so far, this one included
    (t >= 1, tensor<i64>; a skipped step does not advance it, so the bias
    corrections count applied updates only, as PyTorch's GradScaler leaves
    Adam's step). Adam (`decoupled = false`): `g = grad + weight_decay *
    param`. AdamW (`decoupled = true`): `param *= 1 - lr * weight_decay`
    first. Then `m = b1 m + (1 - b1) g`, `v = b2 v + (1 - b2) g^2`, `param
    -= (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)`. AMSGrad
    (a `max_v` operand, the running maximum of `v`, and its result): `v_max
    = max(v_max, v)` (NaN propagates) takes `v`'s place in the denominator.
    With `skip_if` true, every result is its input.

    ```mlir
    %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.9 : f64,
        beta2 = 0.999 : f64, eps = 1.0e-8 : f64, weight_decay = 0.0 : f64, decoupled = false}
        : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>)
        -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
    ```
  }];
  let arguments = (ins LP_FloatTensor:$param, LP_FloatTensor:$grad,
                       LP_FloatTensor:$m, LP_FloatTensor:$v,
                       Optional<LP_FloatTensor>:$v_max,
                       0DTensorOf<[I64]>:$count,
                       LP_LearningRate:$lr,
                       Optional<LP_ScalarI1Tensor>:$skip,
                       F64Attr:$beta1, F64Attr:$beta2,
                       F64Attr:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       DefaultValuedAttr<BoolAttr, "false">:$decoupled);
  let results = (outs LP_FloatTensor:$new_param, LP_FloatTensor:$new_m,
                      LP_FloatTensor:$new_v,
                      Optional<LP_FloatTensor>:$new_v_max);
  let assemblyFormat = [{
    $param `,` $grad `,` $m `,` $v (`max_v` $v_max^)? `count` $count `lr` $lr
    (`skip_if` $skip^)? attr-dict `:` functional-type(operands, results)
  }];
}
