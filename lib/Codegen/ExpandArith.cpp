//===- ExpandArith.cpp - lp-expand-arith ----------------------------------===//
//
// arith-expand{include-bf16}, except that a minimumf/maximumf updating a
// memory location in place stays for LLVM's llvm.minimum/llvm.maximum
// (Passes.td says why); before it, a widening of a rounding whose operand
// is already a value of the narrow type is folded away.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
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

/// Whether `v` holds a value of `narrow` exactly: the widening of a
/// `narrow` value, a constant that `narrow` represents, or a select of such
/// (looked through up to `depth` selects).
bool exactIn(Value v, FloatType narrow, int depth = 4) {
  if (auto ext = v.getDefiningOp<arith::ExtFOp>())
    return ext.getIn().getType() == narrow;
  if (auto select = v.getDefiningOp<arith::SelectOp>())
    return depth > 0 && exactIn(select.getTrueValue(), narrow, depth - 1) &&
           exactIn(select.getFalseValue(), narrow, depth - 1);
  FloatAttr c;
  if (matchPattern(v, m_Constant(&c))) {
    bool lost = false;
    APFloat value = c.getValue();
    value.convert(narrow.getFloatSemantics(),
                  llvm::RoundingMode::NearestTiesToEven, &lost);
    return !lost;
  }
  return false;
}

/// extf(truncf(x)) = x when x is already a value of the narrow type: the
/// ping-pong that fusing a 16-bit producer into its consumer leaves (the
/// max-pool gradient's select of a widened bf16 value or zero, rounded to
/// bf16 and widened again by the ReLU gradient that reads it). The same
/// value (a NaN keeps its own bits instead of the rounding's quiet NaN, and
/// stays a NaN); it saves a rounding, which arith-expand makes a dozen
/// integer operations for bf16.
struct ExtOfExactRounding : OpRewritePattern<arith::ExtFOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(arith::ExtFOp op,
                                PatternRewriter &rewriter) const override {
    auto trunc = op.getIn().getDefiningOp<arith::TruncFOp>();
    if (!trunc || trunc.getIn().getType() != op.getType())
      return failure();
    auto narrow = dyn_cast<FloatType>(trunc.getType());
    if (!narrow || !exactIn(trunc.getIn(), narrow))
      return failure();
    rewriter.replaceOp(op, trunc.getIn());
    return success();
  }
};

struct ExpandArith : lp::impl::ExpandArithBase<ExpandArith> {
  void runOnOperation() override {
    // First, before the roundings are expanded.
    RewritePatternSet exact(&getContext());
    exact.add<ExtOfExactRounding>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(exact))))
      return signalPassFailure();
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
