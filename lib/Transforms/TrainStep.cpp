//===- TrainStep.cpp - the places of a train step and its state -----------===//

#include "lp/Transforms/TrainStep.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace lp;

StringRef lp::stringifyGradientPhase(GradientPhase phase) {
  switch (phase) {
  case GradientPhase::None:
    return "none";
  case GradientPhase::ScaleSeeds:
    return "scale-seeds";
  case GradientPhase::Unscale:
    return "unscale";
  case GradientPhase::Clip:
    return "clip";
  case GradientPhase::AllReduce:
    return "all-reduce";
  case GradientPhase::Apply:
    return "apply";
  }
  return "unknown";
}

FailureOr<SmallVector<func::FuncOp>> lp::findGradientSteps(ModuleOp module,
                                                           StringRef pass) {
  SmallVector<func::FuncOp> steps;
  for (func::FuncOp fn : module.getOps<func::FuncOp>())
    if (!fn.isExternal() && !fn.getOps<GradientsOp>().empty())
      steps.push_back(fn);
  if (steps.empty())
    return module.emitError()
           << pass
           << ": no function has an lp.gradients op (it runs after "
              "lp-build-gradients and before lp-apply-optimizer)";
  return steps;
}

FailureOr<GradientsOp> lp::findGradients(func::FuncOp step, StringRef pass) {
  SmallVector<GradientsOp> found;
  step.walk([&](GradientsOp op) { found.push_back(op); });
  if (found.size() != 1)
    return step.emitError() << pass << " needs exactly one lp.gradients op in '"
                            << step.getSymName() << "', found " << found.size()
                            << " (run lp-build-gradients "
                            << "first)";
  return found.front();
}

LogicalResult lp::enterPhase(GradientsOp grads, GradientPhase phase,
                             StringRef pass) {
  auto applied = static_cast<GradientPhase>(grads.getPhase());
  if (applied >= phase)
    return grads.emitOpError()
           << "has had its " << stringifyGradientPhase(applied)
           << " transforms; " << pass << " (" << stringifyGradientPhase(phase)
           << ") must run before them (order: scale-seeds, unscale, clip, "
              "all-reduce, apply)";
  grads.setPhase(static_cast<int64_t>(phase));
  return success();
}

Value lp::buildGlobalNorm(OpBuilder &b, Location loc, ValueRange grads) {
  bool f64 = llvm::any_of(grads, [](Value g) {
    return cast<RankedTensorType>(g.getType()).getElementType().isF64();
  });
  auto scalar =
      RankedTensorType::get({}, f64 ? Type(b.getF64Type()) : b.getF32Type());
  Value total;
  for (Value g : grads) {
    auto type = cast<RankedTensorType>(g.getType());
    // f16/bf16 gradients (no master weights) are squared and summed in
    // f32, as torch's vector_norm accumulates: in f16 a square under 2^-24
    // is 0 and a sum over 65504 is inf.
    if (type.getElementType() != scalar.getElementType()) {
      type = type.clone(scalar.getElementType());
      g = CastOp::create(b, loc, type, g);
    }
    Value s = MulOp::create(b, loc, type, g, g);
    if (type.getRank() > 0) {
      auto axes = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      s = ReduceSumOp::create(
          b, loc, RankedTensorType::get({}, type.getElementType()), s,
          b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
    }
    total = total ? Value(AddOp::create(b, loc, scalar, total, s)) : s;
  }
  if (!total)
    return splatConstant(b, loc, scalar, 0.0);
  return SqrtOp::create(b, loc, scalar, total);
}

Value lp::findStepResult(func::FuncOp step, StringRef name) {
  auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
  for (unsigned i = 0; i < step.getNumResults(); ++i)
    if (resultName(step, i) == name)
      return ret.getOperand(i);
  return {};
}

void lp::addSkipPredicate(GradientsOp grads, Value skip) {
  if (Value old = grads.getSkip()) {
    OpBuilder b(grads);
    skip = arith::OrIOp::create(b, grads.getLoc(), old, skip);
  }
  grads.getSkipMutable().assign(skip);
}

FailureOr<BlockArgument> lp::addStateSlot(func::FuncOp step, StringRef name,
                                          Type type, StringRef init) {
  unsigned index = 0;
  for (unsigned i = 0; i < step.getNumArguments(); ++i) {
    if (argName(step, i) == name)
      return step.emitError() << "cannot add state '" << name << "' to '"
                              << step.getSymName() << "': argument #" << i
                              << " has that name",
             failure();
    if (isParam(step, i) || isState(step, i))
      index = i + 1;
  }
  Builder b(step.getContext());
  DictionaryAttr attrs = b.getDictionaryAttr(
      {b.getNamedAttr(kRoleAttr,
                      b.getStringAttr(stringifyArgRole(ArgRole::State))),
       b.getNamedAttr(kNameAttr, b.getStringAttr(name)),
       b.getNamedAttr(kInitAttr, b.getStringAttr(init))});
  if (failed(step.insertArgument(index, type, attrs, step.getLoc())))
    return failure();
  return step.getArgument(index);
}

LogicalResult lp::addStepResult(func::FuncOp step, StringRef name,
                                Value value) {
  // A state result goes after the last one (state results lead: the
  // runtime copies them back), anything else last.
  bool isStateName = findStateArg(step, name).has_value();
  unsigned index = isStateName ? 0 : step.getNumResults();
  for (unsigned i = 0; i < step.getNumResults(); ++i) {
    if (resultName(step, i) == name)
      return step.emitError()
             << "cannot add result '" << name << "' to '" << step.getSymName()
             << "': result #" << i << " has that name";
    if (isStateName && findStateArg(step, resultName(step, i)))
      index = i + 1;
  }
  Builder b(step.getContext());
  DictionaryAttr attrs =
      b.getDictionaryAttr({b.getNamedAttr(kNameAttr, b.getStringAttr(name))});
  if (failed(step.insertResult(index, value.getType(), attrs)))
    return failure();
  auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
  SmallVector<Value> operands(ret.getOperands());
  operands.insert(operands.begin() + index, value);
  ret->setOperands(operands);
  return success();
}

Value lp::splatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                        Attribute element) {
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, element));
}

Value lp::splatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                        double v) {
  return splatConstant(b, loc, type, b.getFloatAttr(type.getElementType(), v));
}
