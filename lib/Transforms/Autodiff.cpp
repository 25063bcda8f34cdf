//===- Autodiff.cpp - reverse-mode differentiation of a model -------------===//

#include "lp/Transforms/Autodiff.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/TrainStep.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace lp;

func::FuncOp lp::findModel(ModuleOp module, StringRef name) {
  return findFunction(module, name, FunctionKind::Model);
}

/// A zero tensor of `type` (arith.constant splat).
static Value zeros(OpBuilder &b, Location loc, Type type) {
  auto tt = cast<RankedTensorType>(type);
  auto attr = DenseElementsAttr::get(
      tt, b.getFloatAttr(tt.getElementType(), 0.0));
  return arith::ConstantOp::create(b, loc, tt, attr);
}

static bool isFloatTensor(Value v) {
  auto tt = dyn_cast<RankedTensorType>(v.getType());
  return tt && isa<FloatType>(tt.getElementType());
}

FailureOr<Gradients> lp::buildGradients(func::FuncOp model, OpBuilder &b,
                                        IRMapping &mapping) {
  Location loc = model.getLoc();
  SmallVector<unsigned> lossResults;
  for (unsigned i = 0; i < model.getNumResults(); ++i)
    if (!isStateResult(model, i))
      lossResults.push_back(i);
  if (lossResults.empty())
    return model.emitError("model returns no loss"), failure();
  for (unsigned i : lossResults) {
    Type t = model.getResultTypes()[i];
    auto tt = dyn_cast<RankedTensorType>(t);
    if (!tt || tt.getRank() != 0 || !isa<FloatType>(tt.getElementType()))
      return model.emitError() << "result #" << i
                               << " is not a scalar float loss, got " << t,
             failure();
  }

  // Forward: clone the body. The active values are the float values that
  // depend on a parameter: only they get gradients, so nothing is built
  // for inputs, state or constants (a causal mask, an observer's range)
  // and nothing the forward pass computes is kept for such a gradient.
  SmallVector<Operation *> forward;
  llvm::DenseSet<Value> active;
  for (unsigned i = 0; i < model.getNumArguments(); ++i)
    if (isParam(model, i))
      active.insert(mapping.lookup(model.getArgument(i)));
  Operation *terminator = model.getBody().front().getTerminator();
  for (Operation &op : model.getBody().front().without_terminator()) {
    Operation *clone = b.clone(op, mapping);
    forward.push_back(clone);
    if (llvm::any_of(clone->getOperands(),
                     [&](Value v) { return active.contains(v); }))
      for (Value r : clone->getResults())
        if (isFloatTensor(r))
          active.insert(r);
  }
  Gradients result;
  for (unsigned i = 0; i < model.getNumResults(); ++i) {
    Value v = mapping.lookup(terminator->getOperand(i));
    if (isStateResult(model, i))
      result.stateUpdates.emplace_back(resultName(model, i), v);
  }
  for (unsigned i : lossResults) {
    result.losses.push_back(mapping.lookup(terminator->getOperand(i)));
    result.lossNames.push_back(resultName(model, i));
  }
  for (Operation *op : forward)
    if (auto ce = dyn_cast<CrossEntropyOp>(op))
      result.heads.emplace_back(ce.getLogits(), ce.getLabels());
  if (!result.heads.empty())
    result.logits = result.heads.front().first;

  BackwardBeginOp::create(b, loc);

  // Seeds: d total / d loss_i = weight_i, each an lp.loss_seed (where
  // gradient transforms scale the backward pass); the total is computed
  // from the unscaled weights.
  SmallVector<double> weights(model.getNumResults(), 1.0);
  if (auto attr = model->getAttrOfType<ArrayAttr>(kLossWeightsAttr))
    for (auto [i, w] : llvm::enumerate(attr))
      weights[i] = cast<FloatAttr>(w).getValueAsDouble();
  DenseMap<Value, Value> grads;
  auto accumulate = [&](Value v, Value g) {
    auto [it, inserted] = grads.try_emplace(v, g);
    if (!inserted)
      it->second = AddOp::create(b, loc, v.getType(), it->second, g);
  };
  for (auto [k, loss] : llvm::enumerate(result.losses)) {
    double weight = weights[lossResults[k]];
    Type elem = cast<RankedTensorType>(loss.getType()).getElementType();
    Value seed = LossSeedOp::create(b, loc, loss.getType(), loss,
                                    b.getF64FloatAttr(weight));
    result.seeds.push_back(seed);
    accumulate(loss, seed);
    Value term = MulOp::create(
        b, loc, loss.getType(), loss,
        splatConstant(b, loc, RankedTensorType::get({}, elem), weight));
    result.total = result.total ? Value(AddOp::create(b, loc, loss.getType(),
                                                      result.total, term))
                                : term;
  }

  // Reverse pass.
  Block *body = b.getInsertionBlock();
  Operation *lastForward = body->empty() ? nullptr : &body->back();
  for (Operation *op : llvm::reverse(forward)) {
    // Constants (a model's `1.0`, `0.9`) have nothing to differentiate.
    if (op->hasTrait<OpTrait::ConstantLike>())
      continue;
    SmallVector<Value> resultGrads;
    bool any = false;
    for (Value r : op->getResults()) {
      Value g = grads.lookup(r);
      any |= static_cast<bool>(g);
      resultGrads.push_back(g);
    }
    if (!any)
      continue;
    auto vjp = dyn_cast<VjpOpInterface>(op);
    if (!vjp)
      return op->emitOpError("has no gradient rule, so the loss cannot be "
                             "differentiated through it"),
             failure();
    for (auto [r, g] : llvm::zip(op->getResults(), resultGrads))
      if (!g)
        g = zeros(b, loc, r.getType());
    SmallVector<Value> operandGrads;
    Block *block = b.getInsertionBlock();
    b.setInsertionPointToEnd(block);
    Operation *last = block->empty() ? nullptr : &block->back();
    if (failed(vjp.buildVjp(b, resultGrads, operandGrads)))
      return failure();
    for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads))
      if (g && active.contains(operand))
        accumulate(operand, g);
    // The adjoint ops belong to the primal op's layer: per-layer passes
    // and lp-outline-blocks see the backward pass of a layer as its own.
    if (auto layer = op->getAttr(kLayerAttr))
      for (Operation &adj : llvm::make_range(
               last ? std::next(last->getIterator()) : block->begin(),
               block->end()))
        if (!adj.hasAttr(kLayerAttr))
          adj.setAttr(kLayerAttr, layer);
  }

  // Parameter gradients.
  for (unsigned i = 0; i < model.getNumArguments(); ++i) {
    if (!isParam(model, i)) {
      result.argGrads.push_back(Value());
      continue;
    }
    Value arg = mapping.lookup(model.getArgument(i));
    Value g = grads.lookup(arg);
    if (!g) {
      // At the argument (not the whole function, printed in generic form).
      emitWarning(model.isExternal() ? model.getLoc()
                                     : model.getArgument(i).getLoc())
          << "parameter '" << argName(model, i)
          << "' does not affect the loss; its gradient is "
             "zero";
      g = zeros(b, loc, arg.getType());
    }
    result.argGrads.push_back(g);
  }
  // A rule builds the gradients of all its operands; those of inactive
  // operands (d/d mask) are unused: erase them, and what only they read,
  // so that the train step neither computes nor keeps them.
  if (lastForward) {
    SmallVector<Operation *> adjoints;
    for (Operation &adj :
         llvm::make_range(std::next(lastForward->getIterator()), body->end()))
      adjoints.push_back(&adj);
    llvm::DenseSet<Value> kept(result.argGrads.begin(), result.argGrads.end());
    for (Operation *adj : llvm::reverse(adjoints))
      if (isOpTriviallyDead(adj) &&
          llvm::none_of(adj->getResults(),
                        [&](Value r) { return kept.contains(r); }))
        adj->erase();
    rematerializeCasts(forward, lastForward);
  }

  return result;
}
