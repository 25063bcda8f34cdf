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
#include "llvm/ADT/StringMap.h"
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
    if (model && accumulate < 1) {
      model.emitError() << getArgument() << ": accumulate must be >= 1, got "
                        << static_cast<int64_t>(accumulate);
      return signalPassFailure();
    }
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
    // Each cross-entropy head's logits as `logits.<label>`, named after the
    // label argument it is compared with (through reshapes), so that the
    // runner pairs every head with its own labels; a head whose labels are
    // not an argument is `logits` (no accuracy), and only the first such.
    llvm::StringSet<> seen;
    for (auto [logits, labels] : g->heads) {
      while (auto reshape = labels.getDefiningOp<ReshapeOp>())
        labels = reshape.getInput();
      auto arg = dyn_cast<BlockArgument>(labels);
      std::string name = arg && arg.getOwner() == &fn.getBody().front()
                             ? headLogitsName(argName(fn, arg.getArgNumber()))
                             : std::string(kLogits);
      if (!seen.insert(name).second)
        continue;
      results.push_back(logits);
      names.push_back(name);
    }
    for (auto &[name, value] : g->stateUpdates) {
      results.push_back(value);
      names.push_back(name);
    }
    finishFunction(b, fn, results, names);
    // The backward pass was built to share buildGradients; eval returns
    // none of it (and has no backward pass to mark).
    for (Operation &op :
         llvm::make_early_inc_range(llvm::reverse(fn.getBody().front())))
      if (isOpTriviallyDead(&op) || isa<BackwardBeginOp>(op))
        op.erase();
    return success();
  }

  /// Gradient accumulation: the batch arguments of `fn` (mapped from the
  /// model's `batch` arguments) widened to `accumulate` micro-batches, the
  /// forward and backward passes built on each slice in turn (model state
  /// threaded), seeds weight / N, parameter gradients summed in order,
  /// losses and the total averaged, the last micro-batch's state updates.
  FailureOr<Gradients> buildAccumulated(func::FuncOp model, func::FuncOp fn,
                                        OpBuilder &b, IRMapping &mapping,
                                        ArrayRef<unsigned> batch) {
    int64_t n = accumulate;
    Location loc = model.getLoc();
    // Rank-0 arguments and those named fixed are read whole by every
    // micro-batch.
    SmallVector<unsigned> sliced;
    for (unsigned i : batch)
      if (cast<RankedTensorType>(model.getArgument(i).getType()).getRank() >
              0 &&
          !llvm::is_contained(fixedInputs, argName(model, i)))
        sliced.push_back(i);
    batch = sliced;
    if (batch.empty())
      return model.emitError()
                 << getArgument() << ": accumulate=" << n
                 << " has no batch argument to slice (every input and label "
                    "is rank 0 or passed whole)",
             failure();
    for (unsigned i : batch) {
      auto arg = cast<BlockArgument>(mapping.lookup(model.getArgument(i)));
      auto type = cast<RankedTensorType>(arg.getType());
      int64_t rows = type.getRank() > 0 ? type.getDimSize(0) : 0;
      if (rows <= 0 || rows > std::numeric_limits<int64_t>::max() / n)
        return model.emitError()
                   << getArgument() << ": accumulate=" << n
                   << " needs a leading "
                   << "batch dimension on every input and label, and '"
                   << argName(model, i) << "' (" << type << ") has none",
               failure();
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = rows * n;
      arg.setType(type.clone(shape));
    }
    fn.setType(b.getFunctionType(fn.getBody().front().getArgumentTypes(),
                                 fn.getResultTypes()));
    // Running sums, added as soon as a micro-batch's backward pass ends (in
    // micro-batch order, as PyTorch adds each backward's gradient to
    // `.grad`), in the parameter's type: one micro-batch's activations and
    // gradients are live at a time.
    Gradients sum;
    // A state update goes to the argument of its name in the next
    // micro-batch.
    llvm::StringMap<unsigned> stateArgs;
    for (unsigned i = 0; i < model.getNumArguments(); ++i)
      if (isState(model, i))
        stateArgs[argName(model, i)] = i;
    auto add = [&](Value total, Value v) {
      return total ? Value(AddOp::create(b, loc, v.getType(), total, v)) : v;
    };
    for (int64_t m = 0; m < n; ++m) {
      IRMapping sliced = mapping;
      for (unsigned i : batch) {
        Value arg = mapping.lookup(model.getArgument(i));
        auto type = cast<RankedTensorType>(model.getArgument(i).getType());
        SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes,
            strides(type.getRank(), b.getIndexAttr(1));
        offsets[0] = b.getIndexAttr(m * type.getDimSize(0));
        for (int64_t d : type.getShape())
          sizes.push_back(b.getIndexAttr(d));
        sliced.map(
            model.getArgument(i),
            tensor::ExtractSliceOp::create(b, loc, arg, offsets, sizes, strides)
                .getResult());
      }
      for (auto &[name, value] : sum.stateUpdates)
        sliced.map(model.getArgument(stateArgs.lookup(name)), value);
      FailureOr<Gradients> g = buildGradients(model, b, sliced);
      if (failed(g))
        return failure();
      for (Value seed : g->seeds) {
        auto op = seed.getDefiningOp<LossSeedOp>();
        op.setWeightAttr(
            b.getF64FloatAttr(op.getWeight().convertToDouble() / double(n)));
      }
      if (m == 0) {
        sum = std::move(*g);
        continue;
      }
      for (size_t k = 0; k < sum.losses.size(); ++k)
        sum.losses[k] = add(sum.losses[k], g->losses[k]);
      sum.total = add(sum.total, g->total);
      for (size_t i = 0; i < sum.argGrads.size(); ++i)
        if (sum.argGrads[i])
          sum.argGrads[i] = add(sum.argGrads[i], g->argGrads[i]);
      sum.stateUpdates = g->stateUpdates;
      llvm::append_range(sum.seeds, g->seeds);
    }
    // The losses reported are the micro-batches' means.
    auto mean = [&](Value v) {
      auto type = cast<RankedTensorType>(v.getType());
      return Value(
          MulOp::create(b, loc, type, v, splatConstant(b, loc, type, 1.0 / n)));
    };
    for (Value &loss : sum.losses)
      loss = mean(loss);
    sum.total = mean(sum.total);
    return sum;
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
    FailureOr<Gradients> g =
        accumulate == 1 ? buildGradients(model, b, mapping)
                        : buildAccumulated(model, fn, b, mapping, batch);
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
