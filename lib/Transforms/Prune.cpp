//===- Prune.cpp - the lp-prune pass --------------------------------------===//
//
// Magnitude pruning's model side: each selected weight is read through a
// mask that is read-only state (`<name>.prune.mask`, initially ones); the
// trainer sets the masks on its schedule (runtime/lib/Pruning.cpp).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/Passes.h"

#include "llvm/Support/GlobPattern.h"

namespace lp {
#define GEN_PASS_DEF_PRUNE
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {
struct Prune : lp::impl::PruneBase<Prune> {
  using PruneBase::PruneBase;

  void runOnOperation() override {
    func::FuncOp fn =
        findFunction(getOperation(), function, FunctionKind::Model);
    if (!fn)
      return signalPassFailure();
    llvm::Expected<llvm::GlobPattern> glob = llvm::GlobPattern::create(params);
    if (!glob) {
      mlir::emitError(fn.getLoc()) << "lp-prune: bad params pattern '" << params
                                   << "': " << llvm::toString(glob.takeError());
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    b.setInsertionPointToStart(&fn.getBody().front());
    bool any = false;
    for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i) {
      auto type = dyn_cast<RankedTensorType>(fn.getArgumentTypes()[i]);
      std::string name = argName(fn, i);
      if (!isParam(fn, i) || !type || type.getRank() < 2 ||
          !isa<FloatType>(type.getElementType()) || !glob->match(name))
        continue;
      any = true;
      BlockArgument mask =
          appendModelArgument(fn, type, "state", name + ".prune.mask", "ones");
      BlockArgument weight = fn.getArgument(i);
      Value masked = MulOp::create(b, fn.getLoc(), type, weight, mask);
      weight.replaceAllUsesExcept(masked, masked.getDefiningOp());
    }
    if (!any) {
      mlir::emitError(fn.getLoc())
          << "lp-prune: no parameter of rank 2 or more matches '" << params
          << "' in @" << fn.getSymName();
      return signalPassFailure();
    }
  }
};
} // namespace
