//===- LPStepOps.td - the places of a train step -----------*- tablegen -*-===//
//
// Included from LPOps.td. The ops that mark where a train step's gradient
// transforms attach (docs/Architecture.md, "The gradient contract"): the
// backward seed of each loss, the one point where all parameter gradients
// are available together, and the all-finite check a skip predicate is
// made of.
//
//===----------------------------------------------------------------------===//

def LP_LossSeedOp : LP_PureOp<"loss_seed", [LP_Fp32, AllTypesMatch<["loss", "result"]>]> {
  let summary = "The backward seed of one loss: d total / d loss";
  let description = [{
    The value the reverse pass starts from for `loss`: `weight` (the loss's
    weight in `loss.total`) as a tensor of the loss's type; the loss operand
    only says which loss it seeds (its value is not read). A gradient
    transform that scales the backward pass (loss scaling) multiplies this
    value; `loss.total` is computed separately and is not scaled.

    ```mlir
    %seed = lp.loss_seed %loss {weight = 5.000000e-01 : f64} : (tensor<f32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins LP_ScalarFloatTensor:$loss, F64Attr:$weight);
  let results = (outs LP_ScalarFloatTensor:$result);
}

def LP_GradientsOp : LP_PureOp<"gradients", [LP_Clear, AttrSizedOperandSegments]> {
  let summary = "All parameter gradients of a train step, together";
  let description = [{
    The one point of a train step where every parameter gradient is
    available before any update: result `i` is `grads[i]`, the gradient of
    parameter `params[i]`, and every optimizer update reads its gradient
    from here. Gradient transforms rewrite the operands (unscaling,
    clipping, all-reduce), in the order `phase` enforces (the last phase
    applied: 0 none, 1 scale seeds, 2 unscale and check, 3 clip, 4
    all-reduce, 5 the optimizer's updates), and may set `skip_if`: a predicate under which no update
    is applied this step (parameters and optimizer state stay bit-identical;
    the step returns `step.skipped`). Nothing folds it; the lowering to
    linalg forwards the operands.

    ```mlir
    %g:2 = lp.gradients %dw, %db skip_if %overflow {params = ["fc.w", "fc.b"], phase = 2 : i64}
        : (tensor<4x2xf32>, tensor<2xf32>, tensor<i1>) -> (tensor<4x2xf32>, tensor<2xf32>)
    ```
  }];
  let arguments = (ins Variadic<LP_FloatTensor>:$grads,
                       Optional<LP_ScalarI1Tensor>:$skip,
                       StrArrayAttr:$params,
                       DefaultValuedAttr<I64Attr, "0">:$phase);
  let results = (outs Variadic<LP_FloatTensor>:$results);
  let assemblyFormat = [{
    $grads (`skip_if` $skip^)? attr-dict `:` functional-type(operands, results)
  }];
}

def LP_AllFiniteOp : LP_PureOp<"all_finite", [LP_Clear]> {
  let summary = "Whether every element of every operand is finite";
  let description = [{
    A `tensor<i1>` that is true when no element of the operands is an
    infinity or a NaN (PyTorch's `found_inf` is its negation).

    ```mlir
    %ok = lp.all_finite %dw, %db : (tensor<4x2xf32>, tensor<2xf32>) -> tensor<i1>
    ```
  }];
  let arguments = (ins Variadic<LP_FloatTensor>:$inputs);
  let results = (outs LP_ScalarI1Tensor:$result);
}

// What lp.backward_begin writes: nothing real, a resource of its own, so
// that no pass erases or moves it and none sees it touch other memory.
def LP_PhaseResource : Resource<"::lp::TrainStepPhase">;

def LP_BackwardBeginOp : LP_Op<"backward_begin", [LP_PrecisionOpInterface,
    LP_Clear, MemoryEffects<[MemWrite<LP_PhaseResource>]>]> {
  let summary = "Where a train step's backward pass begins";
  let description = [{
    Placed by lp-build-gradients between the forward pass and the loss
    seeds; computes nothing. It stays through lowering and bufferization,
    so that `lp-saved-buffers` can count the buffers a step keeps from
    forward to backward in the bufferized IR (the buffers live across it);
    the codegen pipelines erase it first (`lp-strip-markers`).

    ```mlir
    lp.backward_begin
    ```
  }];
  let assemblyFormat = "attr-dict";
}
