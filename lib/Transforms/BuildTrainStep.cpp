//===- BuildTrainStep.cpp - the lp-build-train-step pass ------------------===//
//
// Emits @f_train_step (forward, reverse pass, optimizer update, all state
// threaded functionally) and @f_eval (forward losses and logits) by running
// its stages: lp-fake-quant on the model for quantization-aware training,
// lp-prune for magnitude pruning's masks,
// lp-autocast on the model when a precision is chosen,
// lp-build-gradients, the gradient transforms its options
// select, in the order of the gradient contract, and lp-apply-optimizer.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"

namespace lp {
#define GEN_PASS_DEF_BUILDTRAINSTEP
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
/// Where an option's error goes: the module's first op (the model,
/// usually), not the module's unknown location.
Location modelLocation(ModuleOp module) {
  return module.getBody()->empty() ? module.getLoc()
                                   : module.getBody()->front().getLoc();
}

struct BuildTrainStep : lp::impl::BuildTrainStepBase<BuildTrainStep> {
  using BuildTrainStepBase::BuildTrainStepBase;

  void runOnOperation() override {
    if (lossScale != "none" && lossScale != "static" &&
        lossScale != "dynamic") {
      // A number is most likely the scale itself.
      mlir::emitError(modelLocation(getOperation()))
          << getArgument()
          << ": loss-scale must be none, static or dynamic, got '" << lossScale
          << "' (the scale is init-scale: loss-scale=static "
             "init-scale=S; lp-run --loss-scale=static "
             "--init-scale=S)";
      return signalPassFailure();
    }
    // PyTorch's GradScaler refuses to unscale f16 gradients; f16 masters
    // would also unscale with an f16 reciprocal (0 beyond 2^24).
    if (!masterWeights && lossScale != "none") {
      getOperation().emitError()
          << getArgument()
          << ": loss scaling needs f32 master weights (master-weights=false "
             "keeps the gradients in the low type, which GradScaler refuses "
             "to unscale)";
      return signalPassFailure();
    }
    if (!masterWeights && precision == "f32" && precisionOverrides.empty()) {
      getOperation().emitError()
          << getArgument()
          << ": master-weights=false needs precision bf16 or f16 (or "
             "precision-overrides): there is no low type to store in";
      return signalPassFailure();
    }
    // The step orders its arguments its own way: a name by position
    // (`arg3`) would name another argument there.
    for (auto fn : getOperation().getOps<FunctionOpInterface>())
      if (function.empty() || fn.getName() == function)
        lp::spellDefaultNames(fn);
    OpPassManager pm(ModuleOp::getOperationName());
    if (!fakeQuant.empty()) {
      // The user's lp-fake-quant options, then the function and the
      // precision overrides both passes share.
      std::unique_ptr<Pass> quant = lp::createFakeQuant();
      std::string shared = "function=\"" + function + "\" overrides=\"" +
                           precisionOverrides + "\"";
      // The parser may report one mistake twice; say it once, at the
      // module's first op (the model, usually), without its prefix.
      bool reported = false;
      Location loc = modelLocation(getOperation());
      auto error = [&](const Twine &message) {
        std::string text = message.str();
        StringRef clean = StringRef(text);
        clean.consume_front("<Pass-Options-Parser>: ");
        clean = clean.rtrim();
        if (!reported)
          mlir::emitError(loc) << getArgument() << ": fake-quant='" << fakeQuant
                               << "': " << clean;
        reported = true;
        return failure();
      };
      if ((fakeQuant != "on" &&
           failed(quant->initializeOptions(fakeQuant, error))) ||
          failed(quant->initializeOptions(shared, error)))
        return signalPassFailure();
      pm.addPass(std::move(quant));
    }
    if (!prune.empty()) {
      lp::PruneOptions pruning;
      pruning.function = function;
      pruning.params = prune;
      pm.addPass(lp::createPrune(pruning));
    }
    if (precision != "f32" || !precisionOverrides.empty()) {
      lp::AutocastOptions autocast;
      autocast.function = function;
      autocast.computeType = precision;
      autocast.overrides = precisionOverrides;
      autocast.lowpResult = lowpResult;
      autocast.masterWeights = masterWeights;
      autocast.fakeQuantized = !fakeQuant.empty();
      pm.addPass(lp::createAutocast(autocast));
    }
    lp::BuildGradientsOptions gradients;
    gradients.function = function;
    gradients.accumulate = accumulate;
    gradients.fixedInputs.assign(fixedInputs.begin(), fixedInputs.end());
    pm.addPass(lp::createBuildGradients(gradients));
    // Gradient transforms, in the contract's order.
    if (lossScale != "none") {
      lp::LossScalingOptions scaling;
      scaling.mode = lossScale;
      scaling.initScale = initScale;
      scaling.growthFactor = growthFactor;
      scaling.backoffFactor = backoffFactor;
      scaling.growthInterval = growthInterval;
      scaling.minScale = minScale;
      scaling.maxScale = maxScale;
      pm.addPass(lp::createLossScaling(scaling));
    }
    if (clipNorm > 0 || clipValue > 0) {
      lp::ClipGradientsOptions clip;
      clip.maxNorm = clipNorm;
      clip.maxValue = clipValue;
      pm.addPass(lp::createClipGradients(clip));
    }
    lp::ApplyOptimizerOptions apply;
    apply.optimizer = optimizer;
    apply.lr = lr;
    apply.momentum = momentum;
    apply.dampening = dampening;
    apply.nesterov = nesterov;
    apply.amsgrad = amsgrad;
    apply.paramGroups = paramGroups;
    apply.weightDecay = weightDecay;
    apply.beta1 = beta1;
    apply.beta2 = beta2;
    apply.eps = eps;
    apply.maximize = maximize;
    apply.lrSchedule = lrSchedule;
    apply.warmupSteps = warmupSteps;
    apply.warmupStartFactor = warmupStartFactor;
    apply.totalSteps = totalSteps;
    apply.minLr = minLr;
    apply.stepSize = stepSize;
    apply.gamma = gamma;
    pm.addPass(lp::createApplyOptimizer(apply));
    if (failed(runPipeline(pm, getOperation())))
      signalPassFailure();
  }
};
} // namespace
