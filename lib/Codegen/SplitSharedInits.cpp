//===- SplitSharedInits.cpp - the lp-split-shared-inits pass --------------===//
//
// CSE merges identical `linalg.fill`s: one zero-filled tensor then serves as
// the init of every matmul and reduction of that shape. Bufferization must
// keep the filled buffer intact for the later users, so each user gets a
// copy of it, and its analysis compares every pair of users of the shared
// value (quadratic in the model's depth). Giving each init use its own
// fill (of its own tensor.empty) removes both: every product writes its
// own fresh buffer, filled in place. Fills of a tensor.empty are also
// moved right before their user, so that a zero fill is next to its
// product (lp-linalg-to-blas turns that into beta = 0).
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

namespace lp {
#define GEN_PASS_DEF_SPLITSHAREDINITS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct SplitSharedInits : lp::impl::SplitSharedInitsBase<SplitSharedInits> {
  void runOnOperation() override {
    SmallVector<linalg::FillOp> fills;
    getOperation()->walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics())
        fills.push_back(fill);
    });
    for (linalg::FillOp fill : fills) {
      Value result = fill->getResult(0);
      SmallVector<OpOperand *> inits;
      for (OpOperand &use : result.getUses()) {
        auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
        if (dps && dps.isDpsInit(&use))
          inits.push_back(&use);
      }
      auto empty = fill.getOutputs()[0].getDefiningOp<tensor::EmptyOp>();
      // A fill of a tensor.empty moves next to each init use (a product
      // then sees its zero fill right before it: lp-linalg-to-blas makes
      // that beta = 0). Otherwise one init use keeps the original fill
      // (when nothing else reads it) and every other one gets a copy.
      bool keepFirst = !empty && inits.size() == size_t(std::distance(
                                                     result.use_begin(),
                                                     result.use_end()));
      if (empty && inits.size() == 1 && result.hasOneUse() &&
          fill->getNextNode() == inits.front()->getOwner() &&
          empty->getNextNode() == fill)
        continue;
      for (OpOperand *use : llvm::drop_begin(inits, keepFirst ? 1 : 0)) {
        OpBuilder b(use->getOwner());
        Value dest = fill.getOutputs()[0];
        if (empty)
          dest = b.clone(*empty)->getResult(0);
        auto copy = linalg::FillOp::create(b, fill.getLoc(),
                                           fill.getInputs()[0], dest);
        use->set(copy->getResult(0));
      }
      if (result.use_empty()) {
        fill.erase();
        if (empty && empty->use_empty())
          empty.erase();
      }
    }
  }
};
} // namespace
