//===- ReassociateReductions.cpp - lp-reassociate-reductions --------------===//
//
// A reduction loop `acc = acc + x[i]` is a chain of dependent adds: LLVM may
// only vectorise it (with several partial sums) when the add carries the
// `reassoc` fast-math flag. This pass sets it on the accumulating float add
// of every linalg reduction, so that row sums (softmax, layer norm, losses)
// vectorise. The result is a different, usually more accurate, summation
// order (a tree of partial sums instead of one running sum).
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

namespace lp {
#define GEN_PASS_DEF_REASSOCIATEREDUCTIONS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct ReassociateReductions
    : lp::impl::ReassociateReductionsBase<ReassociateReductions> {
  void runOnOperation() override {
    getOperation()->walk([](linalg::GenericOp op) {
      if (op.getNumReductionLoops() == 0)
        return;
      Block &body = op.getRegion().front();
      auto outs = body.getArguments().drop_front(op.getNumDpsInputs());
      for (BlockArgument acc : outs)
        for (Operation *user : acc.getUsers())
          if (auto add = dyn_cast<arith::AddFOp>(user))
            add.setFastmath(add.getFastmath() | arith::FastMathFlags::reassoc);
    });
  }
};
} // namespace
