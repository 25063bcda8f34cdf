//===- BuildGradients.cpp - the lp-build-gradients pass -------------------===//
//
// The first stage of lp-build-train-step: @f_eval (forward losses, logits
// and state updates) and @f_train_step up to its gradients: the forward
// pass, one lp.loss_seed per loss, the reverse pass and one lp.gradients op
// over every parameter gradient, returned as `<p>.grad`. Gradient
// transforms rewrite it next; lp-apply-optimizer replaces the gradients by
// the updates.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Autodiff.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/StringSet.h"

namespace lp {
#define GEN_PASS_DEF_BUILDGRADIENTS
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// Creates `name` after `model` with the arguments of `model` selected by
/// `keep` (types and attributes) and an entry block; the builder is left at
/// the start of that block and `mapping` maps the kept model arguments.
func::FuncOp createFunction(OpBuilder &b, func::FuncOp model, StringRef name,
                            ArrayRef<unsigned> keep, IRMapping &mapping) {
  b.setInsertionPointAfter(model);
  SmallVector<Type> types;
  for (unsigned i : keep)
    types.push_back(model.getArgumentTypes()[i]);
  auto fn = func::FuncOp::create(b, model.getLoc(), name,
                                 b.getFunctionType(types, {}));
  Block *block = fn.addEntryBlock();
  for (auto [k, i] : llvm::enumerate(keep)) {
    fn.setArgAttrs(k, model.getArgAttrDict(i));
    mapping.map(model.getArgument(i), block->getArgument(k));
  }
  b.setInsertionPointToStart(block);
  return fn;
}

/// Returns `results` named `names` from `fn`.
void finishFunction(OpBuilder &b, func::FuncOp fn, ArrayRef<Value> results,
                    ArrayRef<std::string> names) {
  func::ReturnOp::create(b, fn.getLoc(), results);
  fn.setFunctionType(
      b.getFunctionType(fn.getArgumentTypes(), ValueRange(results).getTypes()));
  for (auto [i, n] : llvm::enumerate(names))
    fn.setResultAttr(i, kNameAttr, b.getStringAttr(n));
}

struct BuildGradients : lp::impl::BuildGradientsBase<BuildGradients> {
  using BuildGradientsBase::BuildGradientsBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model = findModel(module, function);
    if (!model || failed(checkNames(model)) || failed(buildEval(model)) ||
        failed(buildStep(model)))
      return signalPassFailure();
  }

  /// Names must not clash with those the step reserves (AbiNames.h) nor
  /// loss names with argument names: the step binds values by name. A
  /// result named like a `state` argument is that state's update.
  LogicalResult checkNames(func::FuncOp model) {
    if (failed(checkReservedNames(model)))
      return failure();
    llvm::StringSet<> args;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      args.insert(argName(model, i));
    llvm::StringSet<> seen;
    for (unsigned i = 0; i < model.getNumResults(); ++i) {
      std::string n = resultName(model, i);
      if (!isStateResult(model, i) && args.contains(n))
        return model.emitError() << "loss '" << n
                                 << "' has the name of an argument or of "
                                    "train-step state; rename it";
      if (!seen.insert(n).second)
        return model.emitError()
               << (isStateResult(model, i) ? "two results" : "two losses")
               << " are named '" << n << "'";
    }
    return success();
  }

  /// @f_eval(model arguments...) -> (losses..., loss.total[, logits],
  /// state updates...).
  LogicalResult buildEval(func::FuncOp model) {
    OpBuilder b(model.getContext());
    auto all = llvm::to_vector(llvm::seq<unsigned>(0, model.getNumArguments()));
    IRMapping mapping;
    func::FuncOp fn = createFunction(
        b, model, (model.getSymName() + "_eval").str(), all, mapping);
    FailureOr<Gradients> g = buildGradients(model, b, mapping);
    if (failed(g))
      return fn.erase(), failure();
    SmallVector<Value> results(g->losses);
    SmallVector<std::string> names(g->lossNames);
    results.push_back(g->total);
    names.emplace_back(kLossTotal);
    if (g->logits) {
      results.push_back(g->logits);
      names.emplace_back(kLogits);
    }
    for (auto &[name, value] : g->stateUpdates) {
      results.push_back(value);
      names.push_back(name);
    }
    finishFunction(b, fn, results, names);
    // The backward pass was built to share buildGradients; eval returns
    // none of it.
    for (Operation &op :
         llvm::make_early_inc_range(llvm::reverse(fn.getBody().front())))
      if (isOpTriviallyDead(&op))
        op.erase();
    return success();
  }

  /// @f_train_step(params..., state..., step, batch...) ->
  /// (<p>.grad..., state updates..., step, losses..., loss.total).
  LogicalResult buildStep(func::FuncOp model) {
    OpBuilder b(model.getContext());
    SmallVector<unsigned> params, state, batch, order;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      (isParam(model, i)   ? params
       : isState(model, i) ? state
                           : batch)
          .push_back(i);
    llvm::append_range(order, params);
    llvm::append_range(order, state);
    llvm::append_range(order, batch);
    IRMapping mapping;
    func::FuncOp fn = createFunction(
        b, model, (model.getSymName() + "_train_step").str(), order, mapping);
    auto stepType = RankedTensorType::get({}, b.getI64Type());
    FailureOr<BlockArgument> stepArg = addStateSlot(fn, kStepName, stepType);
    if (failed(stepArg))
      return fn.erase(), failure();
    FailureOr<Gradients> g = buildGradients(model, b, mapping);
    if (failed(g))
      return fn.erase(), failure();

    Location loc = model.getLoc();
    // `step` counts iterations, applied or skipped.
    Value one = arith::ConstantOp::create(
        b, loc, stepType, DenseElementsAttr::get(stepType, int64_t(1)));
    Value step = arith::AddIOp::create(b, loc, *stepArg, one);
    SmallVector<Value> paramGrads;
    SmallVector<Attribute> paramNames;
    for (unsigned i : params) {
      paramGrads.push_back(g->argGrads[i]);
      paramNames.push_back(b.getStringAttr(argName(model, i)));
    }
    auto grads = GradientsOp::create(
        b, loc, ValueRange(paramGrads).getTypes(), paramGrads, Value(),
        b.getArrayAttr(paramNames), b.getI64IntegerAttr(0));

    SmallVector<Value> results;
    SmallVector<std::string> names;
    for (auto [k, i] : llvm::enumerate(params)) {
      results.push_back(grads.getResult(k));
      names.push_back(stateName(argName(model, i), kGrad));
    }
    for (auto &[name, value] : g->stateUpdates) {
      results.push_back(value);
      names.push_back(name);
    }
    results.push_back(step);
    names.emplace_back(kStepName);
    llvm::append_range(results, g->losses);
    llvm::append_range(names, g->lossNames);
    results.push_back(g->total);
    names.emplace_back(kLossTotal);
    finishFunction(b, fn, results, names);
    return success();
  }
};

} // namespace
