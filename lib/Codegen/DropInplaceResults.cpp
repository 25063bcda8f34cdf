//===- DropInplaceResults.cpp - the lp-drop-inplace-results pass ----------===//
//
// After bufferization a train step updates parameters and optimizer state
// in place: the result for `w` is `w`'s own buffer. Returning it would
// make the caller pass a second buffer and the step copy into it; dropping
// it leaves the state where it is, and the function records, per original
// result, which argument now holds it.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

namespace lp {
#define GEN_PASS_DEF_DROPINPLACERESULTS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// The argument `v` is (through casts), or -1.
int64_t argumentIndex(Value v) {
  while (auto cast = v.getDefiningOp<memref::CastOp>())
    v = cast.getSource();
  auto arg = dyn_cast<BlockArgument>(v);
  return arg && isa<func::FuncOp>(arg.getOwner()->getParentOp())
             ? int64_t(arg.getArgNumber())
             : -1;
}

struct DropInplaceResults
    : lp::impl::DropInplaceResultsBase<DropInplaceResults> {
  void runOnOperation() override {
    for (func::FuncOp fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || !fn.isPublic())
        continue;
      auto ret = cast<func::ReturnOp>(fn.getBody().back().getTerminator());
      SmallVector<int64_t> tied;
      llvm::BitVector drop(ret.getNumOperands());
      for (auto [i, v] : llvm::enumerate(ret.getOperands())) {
        tied.push_back(isa<MemRefType>(v.getType()) ? argumentIndex(v) : -1);
        if (tied.back() >= 0)
          drop.set(i);
      }
      if (drop.none())
        continue;
      OpBuilder b(ret);
      SmallVector<Value> kept;
      for (auto [i, v] : llvm::enumerate(ret.getOperands()))
        if (!drop.test(i))
          kept.push_back(v);
      func::ReturnOp::create(b, ret.getLoc(), kept);
      ret.erase();
      if (failed(fn.eraseResults(drop)))
        return signalPassFailure();
      fn->setAttr(lp::kInplaceResultsAttr,
                  DenseI64ArrayAttr::get(&getContext(), tied));
    }
  }
};
} // namespace
