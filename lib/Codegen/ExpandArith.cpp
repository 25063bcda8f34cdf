//===- ExpandArith.cpp - lp-expand-arith ----------------------------------===//
//
// arith-expand{include-bf16}, except that a minimumf/maximumf updating a
// memory location in place stays for LLVM's llvm.minimum/llvm.maximum
// (Passes.td says why).
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lp {
#define GEN_PASS_DEF_EXPANDARITH
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// Whether `op` computes `m[i] = op(m[i], x)`: an operand loaded from the
/// location its only use stores to.
bool updatesInPlace(Operation *op) {
  if (!op->hasOneUse())
    return false;
  auto store = dyn_cast<memref::StoreOp>(*op->getUsers().begin());
  if (!store)
    return false;
  for (Value operand : op->getOperands())
    if (auto load = operand.getDefiningOp<memref::LoadOp>())
      if (load.getMemRef() == store.getMemRef() &&
          load.getIndices() == store.getIndices())
        return true;
  return false;
}

/// arith-expand's expansion of minimumf/maximumf (the same compares and
/// selects), for the ops that do not update memory in place.
template <typename Op, arith::CmpFPredicate Pred>
struct ExpandMinMax : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    if (updatesInPlace(op))
      return failure();
    Location loc = op.getLoc();
    Value lhs = op.getLhs(), rhs = op.getRhs();
    Value cmp = arith::CmpFOp::create(rewriter, loc, Pred, lhs, rhs);
    Value pick = arith::SelectOp::create(rewriter, loc, cmp, lhs, rhs);
    Value isNaN = arith::CmpFOp::create(rewriter, loc,
                                        arith::CmpFPredicate::UNO, rhs, rhs);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, isNaN, rhs, pick);
    return success();
  }
};

struct ExpandArith : lp::impl::ExpandArithBase<ExpandArith> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    arith::populateCeilFloorDivExpandOpsPatterns(patterns);
    arith::populateExpandBFloat16Patterns(patterns);
    patterns.add<ExpandMinMax<arith::MaximumFOp, arith::CmpFPredicate::UGT>,
                 ExpandMinMax<arith::MinimumFOp, arith::CmpFPredicate::ULT>>(
        &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
