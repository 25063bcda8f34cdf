//===- ApplyOptimizer.cpp - the lp-apply-optimizer pass -------------------===//
//
// The last stage of lp-build-train-step: every `<p>.grad` result of a train
// step becomes the update of `p`, which reads its gradient from the step's
// lp.gradients op. Optimizer state is registered as state slots
// (TrainStep.h); the learning rate is one f32 operand shared by the
// updates; the skip predicate of lp.gradients, if any, goes to every update
// and to the `adam.t` count, and is returned as `step.skipped`.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/LearningRate.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace lp {
#define GEN_PASS_DEF_APPLYOPTIMIZER
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

struct ApplyOptimizer : lp::impl::ApplyOptimizerBase<ApplyOptimizer> {
  using ApplyOptimizerBase::ApplyOptimizerBase;

  LogicalResult checkOptions(ModuleOp module) {
    if (optimizer != "sgd" && optimizer != "adam" && optimizer != "adamw")
      return module.emitError() << "unknown optimizer '" << optimizer
                                << "' (expected sgd, adam or adamw)";
    if (!(lr > 0.0))
      return module.emitError() << "lr must be positive, got " << lr;
    if (!(momentum >= 0.0) || !(weightDecay >= 0.0) || !(eps >= 0.0))
      return module.emitError(
          "momentum, weight-decay and eps must be non-negative");
    if (!(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0))
      return module.emitError("beta1 and beta2 must be in [0, 1)");
    if (std::string e = checkSchedule(schedule()); !e.empty())
      return module.emitError(e);
    return success();
  }

  LearningRateSchedule schedule() const {
    LearningRateSchedule s;
    s.kind = lrSchedule;
    s.lr = lr;
    s.warmupSteps = warmupSteps;
    s.warmupStartFactor = warmupStartFactor;
    s.totalSteps = totalSteps;
    s.minLr = minLr;
    s.stepSize = stepSize;
    s.gamma = gamma;
    return s;
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    FailureOr<SmallVector<func::FuncOp>> steps =
        findGradientSteps(module, "lp-apply-optimizer");
    if (failed(steps))
      return signalPassFailure();
    for (func::FuncOp step : *steps)
      if (failed(apply(step)))
        return signalPassFailure();
  }

  /// The index of the argument named `name`, or an error.
  static FailureOr<unsigned> argIndex(func::FuncOp step, StringRef name) {
    for (unsigned i = 0; i < step.getNumArguments(); ++i)
      if (argName(step, i) == name)
        return i;
    return step.emitError() << "lp.gradients names parameter '" << name
                            << "', which is not an argument of '"
                            << step.getSymName() << "'",
           failure();
  }

  LogicalResult apply(func::FuncOp step) {
    FailureOr<GradientsOp> found = findGradients(step, "lp-apply-optimizer");
    if (failed(found))
      return failure();
    GradientsOp grads = *found;
    if (failed(enterPhase(grads, GradientPhase::Apply, "lp-apply-optimizer")))
      return failure();
    Location loc = grads.getLoc();
    for (Attribute name : grads.getParams())
      if (failed(argIndex(step, cast<StringAttr>(name).getValue())))
        return failure();
    bool adam = optimizer != "sgd";
    bool withMomentum = !adam && momentum != 0.0;
    Value skip = grads.getSkip();

    // Adam's count of applied updates (not advanced by a skipped step).
    Value count;
    auto countType =
        RankedTensorType::get({}, IntegerType::get(&getContext(), 64));
    if (adam) {
      FailureOr<BlockArgument> t = addStateSlot(step, kAdamCount, countType);
      if (failed(t))
        return failure();
      OpBuilder b = OpBuilder::atBlockTerminator(&step.getBody().front());
      auto i64 = [&](int64_t v) -> Value {
        return arith::ConstantOp::create(b, loc, countType,
                                         DenseElementsAttr::get(countType, v));
      };
      Value inc =
          skip ? Value(arith::SelectOp::create(b, loc, skip, i64(0), i64(1)))
               : i64(1);
      count = arith::AddIOp::create(b, loc, *t, inc);
      if (failed(addStepResult(step, kAdamCount, count)))
        return failure();
    }
    // The learning rate: computed in f64, rounded to f32 once (kept in f64
    // when a parameter is f64, as PyTorch keeps Python's float).
    OpBuilder b = OpBuilder::atBlockTerminator(&step.getBody().front());
    bool f64 = llvm::any_of(grads.getGrads(), [](Value g) {
      return cast<RankedTensorType>(g.getType()).getElementType().isF64();
    });
    FailureOr<Value> lrValue =
        buildLearningRate(b, loc, step, schedule(),
                          f64 ? Type(b.getF64Type()) : Type(b.getF32Type()));
    if (failed(lrValue))
      return failure();

    auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
    for (auto [k, nameAttr] : llvm::enumerate(grads.getParams())) {
      StringRef p = cast<StringAttr>(nameAttr).getValue();
      FailureOr<unsigned> pi = argIndex(step, p);
      if (failed(pi))
        return failure();
      Value param = step.getArgument(*pi);
      Value grad = grads.getResult(k);
      if (maximize) {
        // PyTorch's maximize: the update follows -grad (exact negation).
        b.setInsertionPoint(ret);
        auto elem = cast<RankedTensorType>(grad.getType()).getElementType();
        auto scalar = RankedTensorType::get({}, elem);
        Value minusOne = arith::ConstantOp::create(
            b, loc, scalar,
            DenseElementsAttr::get(scalar, b.getFloatAttr(elem, -1.0)));
        grad = MulOp::create(b, loc, grad.getType(), grad, minusOne);
      }
      Type t = param.getType();
      // The update belongs to the layer that uses the parameter.
      Attribute layer;
      for (Operation *user : param.getUsers())
        if ((layer = user->getAttr(kLayerAttr)))
          break;
      SmallVector<std::pair<std::string, Value>> newState;
      Value newParam;
      b.setInsertionPoint(ret);
      Operation *last = ret->getPrevNode();
      if (adam) {
        FailureOr<BlockArgument> m =
            addStateSlot(step, stateName(p, kAdamM), t);
        FailureOr<BlockArgument> v =
            addStateSlot(step, stateName(p, kAdamV), t);
        if (failed(m) || failed(v))
          return failure();
        auto upd = AdamUpdateOp::create(
            b, loc, TypeRange{t, t, t}, param, grad, *m, *v, count, *lrValue,
            skip, b.getF64FloatAttr(beta1), b.getF64FloatAttr(beta2),
            b.getF64FloatAttr(eps), b.getF64FloatAttr(weightDecay),
            b.getBoolAttr(optimizer == "adamw"));
        newParam = upd.getNewParam();
        newState = {{stateName(p, kAdamM), upd.getNewM()},
                    {stateName(p, kAdamV), upd.getNewV()}};
      } else {
        Value buf;
        SmallVector<Type> types{t};
        if (withMomentum) {
          FailureOr<BlockArgument> slot =
              addStateSlot(step, stateName(p, kSgdMomentum), t);
          if (failed(slot))
            return failure();
          buf = *slot;
          types.push_back(t);
        }
        auto upd = SgdUpdateOp::create(
            b, loc, types, param, grad, buf, *lrValue, skip,
            b.getF64FloatAttr(momentum), b.getF64FloatAttr(weightDecay));
        newParam = upd.getNewParam();
        if (withMomentum)
          newState = {{stateName(p, kSgdMomentum), upd.getNewMomentumBuffer()}};
      }
      if (layer)
        for (Operation *op = last->getNextNode(); op != ret;
             op = op->getNextNode())
          op->setAttr(kLayerAttr, layer);
      // `<p>.grad` -> `p`.
      std::string gradName = stateName(p, kGrad);
      for (unsigned i = 0; i < step.getNumResults(); ++i)
        if (resultName(step, i) == gradName) {
          ret->setOperand(i, newParam);
          step.setResultAttr(i, kNameAttr, b.getStringAttr(p));
        }
      for (auto &[name, value] : newState)
        if (failed(addStepResult(step, name, value)))
          return failure();
    }
    if (skip && failed(addStepResult(step, kStepSkippedName, skip)))
      return failure();
    return success();
  }
};

} // namespace
