//===- Differentiate.cpp - the lp-differentiate pass ----------------------===//

#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Autodiff.h"
#include "lp/Transforms/Passes.h"

namespace lp {
#define GEN_PASS_DEF_DIFFERENTIATE
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {
struct Differentiate : lp::impl::DifferentiateBase<Differentiate> {
  using DifferentiateBase::DifferentiateBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model = findModel(module, function);
    // Only what @f_grad adds is reserved here: `logits` or `step` are
    // fine names for a model that is only differentiated.
    const std::string_view added[] = {kLossTotal}, addedKinds[] = {kGrad};
    if (!model || failed(checkReservedNames(model, "the gradient function",
                                            added, addedKinds)))
      return signalPassFailure();
    OpBuilder b(module.getContext());
    b.setInsertionPointAfter(model);
    std::string name = (model.getSymName() + "_grad").str();
    auto fn = func::FuncOp::create(b, model.getLoc(), name,
                                   b.getFunctionType(model.getArgumentTypes(),
                                                     {}));
    fn.setAllArgAttrs(model.getAllArgAttrs());
    Block *block = fn.addEntryBlock();
    IRMapping mapping;
    mapping.map(model.getArguments(), block->getArguments());
    b.setInsertionPointToStart(block);
    FailureOr<Gradients> grads = buildGradients(model, b, mapping);
    if (failed(grads)) {
      fn.erase();
      return signalPassFailure();
    }
    SmallVector<Value> results(grads->losses);
    SmallVector<std::string> names(grads->lossNames);
    results.push_back(grads->total);
    names.emplace_back(kLossTotal);
    for (auto [i, g] : llvm::enumerate(grads->argGrads)) {
      if (!g)
        continue;
      results.push_back(g);
      names.push_back(stateName(argName(model, i), kGrad));
    }
    for (auto &[name, value] : grads->stateUpdates) {
      results.push_back(value);
      names.push_back(name);
    }
    func::ReturnOp::create(b, model.getLoc(), results);
    fn.setFunctionType(
        b.getFunctionType(model.getArgumentTypes(), ValueRange(results).getTypes()));
    for (auto [i, n] : llvm::enumerate(names))
      fn.setResultAttr(i, kNameAttr, b.getStringAttr(n));
  }
};
} // namespace
