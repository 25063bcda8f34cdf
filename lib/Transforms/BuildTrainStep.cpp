//===- BuildTrainStep.cpp - the lp-build-train-step pass ------------------===//
//
// Emits @f_train_step (forward, reverse pass, optimizer update, all state
// threaded functionally) and @f_eval (forward losses and logits).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Autodiff.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringSet.h"

namespace lp {
#define GEN_PASS_DEF_BUILDTRAINSTEP
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// One argument of a generated function.
struct ArgSpec {
  Type type;
  DictionaryAttr attrs;
};

/// An argument spec for optimizer state (zeros).
ArgSpec stateArg(OpBuilder &b, Type type, StringRef name) {
  StringAttr role = b.getStringAttr(stringifyArgRole(ArgRole::State));
  return {type, b.getDictionaryAttr(
                    {b.getNamedAttr(kRoleAttr, role),
                     b.getNamedAttr(kNameAttr, b.getStringAttr(name)),
                     b.getNamedAttr(kInitAttr, b.getStringAttr("zeros"))})};
}

/// Creates `name(args...)` after `anchor` with an entry block; the builder
/// is left at the start of that block.
func::FuncOp createFunction(OpBuilder &b, func::FuncOp anchor, StringRef name,
                            ArrayRef<ArgSpec> args) {
  b.setInsertionPointAfter(anchor);
  SmallVector<Type> types;
  for (const ArgSpec &a : args)
    types.push_back(a.type);
  auto fn = func::FuncOp::create(b, anchor.getLoc(), name,
                                 b.getFunctionType(types, {}));
  for (auto [i, a] : llvm::enumerate(args))
    fn.setArgAttrs(i, a.attrs);
  b.setInsertionPointToStart(fn.addEntryBlock());
  return fn;
}

/// Returns `results` named `names` from `fn`.
void finishFunction(OpBuilder &b, func::FuncOp fn, ArrayRef<Value> results,
                    ArrayRef<std::string> names) {
  func::ReturnOp::create(b, fn.getLoc(), results);
  fn.setFunctionType(b.getFunctionType(fn.getArgumentTypes(),
                                       ValueRange(results).getTypes()));
  for (auto [i, n] : llvm::enumerate(names))
    fn.setResultAttr(i, kNameAttr, b.getStringAttr(n));
}

/// The names of the model's losses, then `loss.total`.
SmallVector<std::string> lossNames(func::FuncOp model) {
  SmallVector<std::string> names;
  for (unsigned i = 0; i < model.getNumResults(); ++i)
    names.push_back(resultName(model, i));
  names.emplace_back(kLossTotal);
  return names;
}

struct BuildTrainStep : lp::impl::BuildTrainStepBase<BuildTrainStep> {
  using BuildTrainStepBase::BuildTrainStepBase;

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
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkOptions(module)))
      return signalPassFailure();
    func::FuncOp model = findModel(module, function);
    if (!model || failed(checkNames(model)) || failed(buildEval(model)) ||
        failed(buildStep(model)))
      return signalPassFailure();
  }

  /// Names must not clash with those the step reserves (AbiNames.h) nor
  /// loss names with argument names: the step binds values by name.
  LogicalResult checkNames(func::FuncOp model) {
    if (failed(checkReservedNames(model)))
      return failure();
    llvm::StringSet<> args;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      args.insert(argName(model, i));
    llvm::StringSet<> seen;
    for (unsigned i = 0; i < model.getNumResults(); ++i) {
      std::string n = resultName(model, i);
      if (args.contains(n))
        return model.emitError() << "loss '" << n
                                 << "' has the name of an argument or of "
                                    "train-step state; rename it";
      if (!seen.insert(n).second)
        return model.emitError() << "two losses are named '" << n << "'";
    }
    return success();
  }

  LogicalResult buildEval(func::FuncOp model) {
    OpBuilder b(model.getContext());
    SmallVector<ArgSpec> args;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      args.push_back({model.getArgumentTypes()[i], model.getArgAttrDict(i)});
    func::FuncOp fn =
        createFunction(b, model, (model.getSymName() + "_eval").str(), args);
    IRMapping mapping;
    mapping.map(model.getArguments(), fn.getArguments());
    FailureOr<Gradients> g = buildGradients(model, b, mapping);
    if (failed(g))
      return fn.erase(), failure();
    SmallVector<Value> results(g->losses);
    results.push_back(g->total);
    SmallVector<std::string> names = lossNames(model);
    if (g->logits) {
      results.push_back(g->logits);
      names.emplace_back(kLogits);
    }
    finishFunction(b, fn, results, names);
    return success();
  }

  LogicalResult buildStep(func::FuncOp model) {
    OpBuilder b(model.getContext());
    bool adam = optimizer != "sgd";
    bool withMomentum = !adam && momentum != 0.0;
    SmallVector<unsigned> params, batch;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      (isParam(model, i) ? params : batch).push_back(i);

    // Signature: params, per-param state, step, batch.
    SmallVector<ArgSpec> args;
    SmallVector<std::string> stateNames;
    for (unsigned i : params)
      args.push_back({model.getArgumentTypes()[i], model.getArgAttrDict(i)});
    for (unsigned i : params) {
      std::string p = argName(model, i);
      if (adam) {
        stateNames.push_back(stateName(p, kAdamM));
        stateNames.push_back(stateName(p, kAdamV));
      } else if (withMomentum) {
        stateNames.push_back(stateName(p, kSgdMomentum));
      }
    }
    size_t perParam = adam ? 2 : (withMomentum ? 1 : 0);
    for (auto [k, name] : llvm::enumerate(stateNames))
      args.push_back(
          stateArg(b, model.getArgumentTypes()[params[k / perParam]], name));
    auto stepType = RankedTensorType::get({}, b.getI64Type());
    args.push_back(stateArg(b, stepType, kStepName));
    for (unsigned i : batch)
      args.push_back({model.getArgumentTypes()[i], model.getArgAttrDict(i)});

    func::FuncOp fn = createFunction(
        b, model, (model.getSymName() + "_train_step").str(), args);
    Block *block = &fn.getBody().front();
    unsigned numParams = params.size();
    unsigned stepIndex = numParams + stateNames.size();
    IRMapping mapping;
    for (auto [k, i] : llvm::enumerate(params))
      mapping.map(model.getArgument(i), block->getArgument(k));
    for (auto [k, i] : llvm::enumerate(batch))
      mapping.map(model.getArgument(i), block->getArgument(stepIndex + 1 + k));

    FailureOr<Gradients> g = buildGradients(model, b, mapping);
    if (failed(g))
      return fn.erase(), failure();

    Location loc = model.getLoc();
    Value one = arith::ConstantOp::create(
        b, loc, stepType, DenseElementsAttr::get(stepType, int64_t(1)));
    Value step = arith::AddIOp::create(b, loc, block->getArgument(stepIndex),
                                       one);
    SmallVector<Value> newParams, newState;
    for (auto [k, i] : llvm::enumerate(params)) {
      // The update belongs to the layer that uses the parameter.
      Attribute layer;
      for (Operation *user : model.getArgument(i).getUsers())
        if ((layer = user->getAttr(kLayerAttr)))
          break;
      Operation *last = &block->back();
      Value p = block->getArgument(k);
      Value grad = g->argGrads[i];
      Type t = p.getType();
      if (adam) {
        Value m = block->getArgument(numParams + 2 * k);
        Value v = block->getArgument(numParams + 2 * k + 1);
        auto upd = AdamUpdateOp::create(
            b, loc, TypeRange{t, t, t}, p, grad, m, v, step,
            b.getF64FloatAttr(lr), b.getF64FloatAttr(beta1),
            b.getF64FloatAttr(beta2), b.getF64FloatAttr(eps),
            b.getF64FloatAttr(weightDecay),
            b.getBoolAttr(optimizer == "adamw"));
        newParams.push_back(upd.getNewParam());
        newState.append({upd.getNewM(), upd.getNewV()});
      } else {
        Value buf = withMomentum ? block->getArgument(numParams + k) : Value();
        SmallVector<Type> types{t};
        if (withMomentum)
          types.push_back(t);
        auto upd = SgdUpdateOp::create(
            b, loc, types, p, grad, buf, b.getF64FloatAttr(lr),
            b.getF64FloatAttr(momentum), b.getF64FloatAttr(weightDecay));
        newParams.push_back(upd.getNewParam());
        if (withMomentum)
          newState.push_back(upd.getNewMomentumBuffer());
      }
      for (Operation *op = last->getNextNode(); layer && op;
           op = op->getNextNode())
        op->setAttr(kLayerAttr, layer);
    }

    SmallVector<Value> results(newParams);
    SmallVector<std::string> names;
    for (unsigned i : params)
      names.push_back(argName(model, i));
    results.append(newState);
    names.append(stateNames.begin(), stateNames.end());
    results.push_back(step);
    names.emplace_back(kStepName);
    results.append(g->losses);
    results.push_back(g->total);
    SmallVector<std::string> losses = lossNames(model);
    names.append(losses.begin(), losses.end());
    finishFunction(b, fn, results, names);
    return success();
  }
};

} // namespace
