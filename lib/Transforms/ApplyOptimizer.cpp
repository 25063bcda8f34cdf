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
#include "lp/Transforms/OptimizerSettings.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <map>

namespace lp {
#define GEN_PASS_DEF_APPLYOPTIMIZER
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

struct ApplyOptimizer : lp::impl::ApplyOptimizerBase<ApplyOptimizer> {
  using ApplyOptimizerBase::ApplyOptimizerBase;

  /// The settings the options give every parameter before groups.
  OptimizerSettings baseSettings() const {
    OptimizerSettings s;
    s.lr = lr;
    s.momentum = momentum;
    s.dampening = dampening;
    s.weightDecay = weightDecay;
    s.beta1 = beta1;
    s.beta2 = beta2;
    s.eps = eps;
    s.nesterov = nesterov;
    s.amsgrad = amsgrad;
    return s;
  }

  LogicalResult checkOptions(ModuleOp module) {
    if (std::string e = checkSettings(baseSettings(), optimizer); !e.empty())
      return module.emitError(e);
    groups.clear();
    if (std::string e = parseParamGroups(paramGroups, groups); !e.empty())
      return module.emitError(e);
    if (std::string e = checkSchedule(schedule()); !e.empty())
      return module.emitError(e);
    return success();
  }

  /// The schedule of a parameter whose (group's) base rate is `base`:
  /// schedules scale each group's rate, as PyTorch's schedulers do.
  LearningRateSchedule schedule(double base) const {
    LearningRateSchedule s = schedule();
    s.lr = base;
    return s;
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

  /// Each parameter's settings: the options, then the groups. Fails when
  /// a group matches no parameter or a parameter's settings are invalid.
  FailureOr<SmallVector<OptimizerSettings>> settingsOf(func::FuncOp step,
                                                       GradientsOp grads) {
    SmallVector<OptimizerSettings> all;
    for (Attribute name : grads.getParams()) {
      StringRef p = cast<StringAttr>(name).getValue();
      all.push_back(settingsFor(p, baseSettings(), groups));
      if (std::string e = checkSettings(all.back(), optimizer); !e.empty())
        return step.emitError() << "parameter '" << p << "': " << e, failure();
    }
    for (const ParamGroup &group : groups)
      if (llvm::none_of(grads.getParams(), [&](Attribute name) {
            return matches(group, cast<StringAttr>(name).getValue());
          }))
        return step.emitError()
                   << "parameter group '" << group.pattern
                   << "' matches no parameter of '" << step.getSymName() << "'",
               failure();
    return all;
  }

  /// A count of applied updates in state slot `name`: the slot plus one,
  /// plus zero on a skipped step; returned as the slot's next value.
  FailureOr<Value> buildCount(func::FuncOp step, StringRef name, Value skip,
                              Location loc) {
    auto type = RankedTensorType::get({}, IntegerType::get(&getContext(), 64));
    FailureOr<BlockArgument> t = addStateSlot(step, name, type);
    if (failed(t))
      return failure();
    OpBuilder b = OpBuilder::atBlockTerminator(&step.getBody().front());
    auto i64 = [&](int64_t v) -> Value {
      return arith::ConstantOp::create(b, loc, type,
                                       DenseElementsAttr::get(type, v));
    };
    Value inc = i64(1);
    if (skip) {
      Value zero = i64(0);
      inc = arith::SelectOp::create(b, loc, skip, zero, inc);
    }
    Value count = arith::AddIOp::create(b, loc, *t, inc);
    if (failed(addStepResult(step, name, count)))
      return failure();
    return count;
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
    FailureOr<SmallVector<OptimizerSettings>> settings =
        settingsOf(step, grads);
    if (failed(settings))
      return failure();
    bool adam = optimizer != "sgd";
    Value skip = grads.getSkip();

    // The counts of applied updates (not advanced by a skipped step):
    // Adam's bias corrections, SGD's first update with dampening.
    Value count;
    if (adam || llvm::any_of(*settings, [](const OptimizerSettings &s) {
          return s.momentum != 0.0 && s.dampening != 0.0;
        })) {
      FailureOr<Value> c =
          buildCount(step, adam ? kAdamCount : kSgdCount, skip, loc);
      if (failed(c))
        return failure();
      count = *c;
    }
    // The learning rates, one per distinct base rate: computed in f64,
    // rounded to f32 once (kept in f64 when a parameter is f64, as
    // PyTorch keeps Python's float).
    OpBuilder b = OpBuilder::atBlockTerminator(&step.getBody().front());
    bool f64 = llvm::any_of(grads.getGrads(), [](Value g) {
      return cast<RankedTensorType>(g.getType()).getElementType().isF64();
    });
    std::map<double, Value> rates;
    for (const OptimizerSettings &s : *settings) {
      if (rates.count(s.lr))
        continue;
      FailureOr<Value> rate =
          buildLearningRate(b, loc, step, schedule(s.lr),
                            f64 ? Type(b.getF64Type()) : Type(b.getF32Type()));
      if (failed(rate))
        return failure();
      rates[s.lr] = *rate;
    }

    auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
    for (auto [k, nameAttr] : llvm::enumerate(grads.getParams())) {
      StringRef p = cast<StringAttr>(nameAttr).getValue();
      const OptimizerSettings &s = (*settings)[k];
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
      // State slots of kind `kind`, in order.
      SmallVector<Value> slots;
      for (std::string_view kind : stateKinds(s, adam)) {
        FailureOr<BlockArgument> slot =
            addStateSlot(step, stateName(p, kind), t);
        if (failed(slot))
          return failure();
        slots.push_back(*slot);
      }
      b.setInsertionPoint(ret);
      Operation *last = ret->getPrevNode();
      SmallVector<Value> results;
      Value rate = rates[s.lr];
      if (adam) {
        Value vMax = s.amsgrad ? slots[2] : Value();
        SmallVector<Type> types(s.amsgrad ? 4 : 3, t);
        auto upd = AdamUpdateOp::create(
            b, loc, types, param, grad, slots[0], slots[1], vMax, count, rate,
            skip, b.getF64FloatAttr(s.beta1), b.getF64FloatAttr(s.beta2),
            b.getF64FloatAttr(s.eps), b.getF64FloatAttr(s.weightDecay),
            b.getBoolAttr(optimizer == "adamw"));
        results = llvm::to_vector_of<Value>(upd->getResults());
      } else {
        Value buf = slots.empty() ? Value() : slots[0];
        Value sgdCount = buf && s.dampening != 0.0 ? count : Value();
        SmallVector<Type> types(buf ? 2 : 1, t);
        auto upd = SgdUpdateOp::create(
            b, loc, types, param, grad, buf, sgdCount, rate, skip,
            b.getF64FloatAttr(s.momentum), b.getF64FloatAttr(s.dampening),
            b.getBoolAttr(s.nesterov), b.getF64FloatAttr(s.weightDecay));
        results = llvm::to_vector_of<Value>(upd->getResults());
      }
      if (layer)
        for (Operation *op = last->getNextNode(); op != ret;
             op = op->getNextNode())
          op->setAttr(kLayerAttr, layer);
      // `<p>.grad` -> `p`.
      std::string gradName = stateName(p, kGrad);
      for (unsigned i = 0; i < step.getNumResults(); ++i)
        if (resultName(step, i) == gradName) {
          ret->setOperand(i, results[0]);
          step.setResultAttr(i, kNameAttr, b.getStringAttr(p));
        }
      for (auto [kind, value] :
           llvm::zip_equal(stateKinds(s, adam), ArrayRef(results).drop_front()))
        if (failed(addStepResult(step, stateName(p, kind), value)))
          return failure();
    }
    if (skip && failed(addStepResult(step, kStepSkippedName, skip)))
      return failure();
    return success();
  }

  /// The kinds of a parameter's optimizer state, in the update op's order.
  static SmallVector<std::string_view> stateKinds(const OptimizerSettings &s,
                                                  bool adam) {
    if (adam) {
      SmallVector<std::string_view> kinds{kAdamM, kAdamV};
      if (s.amsgrad)
        kinds.push_back(kAdamVMax);
      return kinds;
    }
    if (s.momentum != 0.0)
      return {kSgdMomentum};
    return {};
  }

  std::vector<ParamGroup> groups;
};

} // namespace
