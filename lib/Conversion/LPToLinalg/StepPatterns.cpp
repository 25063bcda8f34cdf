//===- StepPatterns.cpp - a train step's places to linalg -----------------===//
//
// lp.loss_seed becomes its weight as a constant, lp.gradients forwards its
// operands (it only marks a place), and lp.all_finite becomes one sum per
// operand of `x - x`, which is 0 for every finite x and NaN for an infinity
// or a NaN: the check is an ordinary vectorisable reduction.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

struct LossSeedLowering : OpRewritePattern<LossSeedOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LossSeedOp op,
                                PatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getType());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, type,
        DenseElementsAttr::get(
            type, rewriter.getFloatAttr(type.getElementType(),
                                        op.getWeight().convertToDouble())));
    return success();
  }
};

struct GradientsLowering : OpRewritePattern<GradientsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GradientsOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getGrads());
    return success();
  }
};

struct AllFiniteLowering : OpRewritePattern<AllFiniteOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AllFiniteOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value total;
    for (Value x : op.getInputs()) {
      SmallVector<bool> all(shapeOf(x).size(), true);
      Value sum = reduceOne(
          rewriter, loc, x, all, 0.0,
          [](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
            return arith::AddFOp::create(
                b, l, acc, arith::SubFOp::create(b, l, xs[0], xs[0]));
          });
      Value s = tensor::ExtractOp::create(rewriter, loc, sum, ValueRange{});
      total = total ? arith::AddFOp::create(rewriter, loc, total, s) : s;
    }
    Value ok = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OEQ,
                                     total, cst(rewriter, loc, total, 0.0));
    rewriter.replaceOpWithNewOp<tensor::FromElementsOp>(op, op.getType(),
                                                        ValueRange{ok});
    return success();
  }
};

} // namespace

void lp::populateLPStepToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LossSeedLowering, GradientsLowering, AllFiniteLowering>(
      patterns.getContext());
}
