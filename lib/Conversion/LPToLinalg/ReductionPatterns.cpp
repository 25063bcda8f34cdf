//===- ReductionPatterns.cpp - reductions, normalisation, losses ----------===//
//
// Everything here accumulates in f32 (linalg.generic reductions built by
// buildReduction) and rounds once to the result type.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

/// A verified axis attribute (stored as a signed i64) in [0, rank).
int64_t normalizedAxis(uint64_t stored, int64_t rank) {
  int64_t axis = static_cast<int64_t>(stored);
  return axis < 0 ? axis + rank : axis;
}

int64_t reducedCount(ArrayRef<int64_t> shape, ArrayRef<bool> reduced) {
  int64_t n = 1;
  for (auto [d, r] : llvm::zip(shape, reduced))
    if (r)
      n *= d;
  return n;
}

/// Divides an f32 tensor by `divisor` (when not 1) and rounds it to the
/// element type of `type`, reshaping to `type` (for keepdims).
Value finishReduction(OpBuilder &b, Location loc, Value acc, double divisor,
                      RankedTensorType type) {
  auto accType = cast<RankedTensorType>(acc.getType());
  auto outType = RankedTensorType::get(accType.getShape(),
                                       type.getElementType());
  Value r = buildElementwise(
      b, loc, outType, acc, [&](OpBuilder &nb, Location l, ValueRange a) {
        if (divisor == 1.0)
          return a[0];
        return arith::DivFOp::create(nb, l, a[0], cst(nb, l, a[0], divisor))
            .getResult();
      });
  return reshapeTo(b, loc, r, type);
}

template <typename ReduceOp>
struct ReduceLowering : OpRewritePattern<ReduceOp> {
  using OpRewritePattern<ReduceOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> shape = shapeOf(op.getInput());
    SmallVector<bool> reduced = flagAxes(op.getAxes(), shape.size());
    constexpr bool isMax = std::is_same_v<ReduceOp, ReduceMaxOp>;
    constexpr bool isMean = std::is_same_v<ReduceOp, ReduceMeanOp>;
    Value acc =
        reduceOne(rewriter, loc, op.getInput(), reduced, isMax ? kNegInf : 0.0,
                  isMax ? maxCombine : addCombine);
    double divisor = isMean ? reducedCount(shape, reduced) : 1.0;
    rewriter.replaceOp(
        op, finishReduction(rewriter, loc, acc, divisor, resultTypeOf(op)));
    return success();
  }
};

/// The f32 tensor exp(x - max(x)) over `reduced` dims, and that max.
std::pair<Value, Value> shiftedExp(OpBuilder &b, Location loc, Value x,
                                   ArrayRef<bool> reduced) {
  int64_t rank = reduced.size();
  Value m = reduceOne(b, loc, x, reduced, kNegInf, maxCombine);
  auto type = RankedTensorType::get(
      shapeOf(x), cast<RankedTensorType>(m.getType()).getElementType());
  Value e = buildMapped(
      b, loc, type, ValueRange{x, m},
      {identityMap(b.getContext(), rank), keptDimsMap(b.getContext(), reduced)},
      [](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
        return math::ExpOp::create(nb, l, d);
      });
  return {e, m};
}

template <typename SoftmaxLike>
struct SoftmaxLowering : OpRewritePattern<SoftmaxLike> {
  using OpRewritePattern<SoftmaxLike>::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxLike op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    int64_t rank = shapeOf(x).size();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    reduced[axis] = true;
    auto [e, m] = shiftedExp(rewriter, loc, x, reduced);
    Value s = reduceOne(rewriter, loc, e, reduced, 0.0, addCombine);
    AffineMap id = identityMap(rewriter.getContext(), rank);
    AffineMap kept = keptDimsMap(rewriter.getContext(), reduced);
    Value r;
    if constexpr (std::is_same_v<SoftmaxLike, SoftmaxOp>) {
      r = buildMapped(rewriter, loc, resultTypeOf(op), ValueRange{e, s},
                      {id, kept},
                      [](OpBuilder &b, Location l, ValueRange a) -> Value {
                        return arith::DivFOp::create(b, l, a[0], a[1]);
                      });
    } else {
      r = buildMapped(rewriter, loc, resultTypeOf(op), ValueRange{x, m, s},
                      {id, kept, kept},
                      [](OpBuilder &b, Location l, ValueRange a) -> Value {
                        Value d = arith::SubFOp::create(b, l, a[0], a[1]);
                        Value ls = math::LogOp::create(b, l, a[2]);
                        return arith::SubFOp::create(b, l, d, ls);
                      });
    }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct LayerNormLowering : OpRewritePattern<LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getInput();
    ArrayRef<int64_t> shape = shapeOf(x);
    int64_t rank = shape.size();
    int64_t axis = normalizedAxis(op.getAxis(), rank);
    SmallVector<bool> reduced(rank, false);
    for (int64_t i = axis; i < rank; ++i)
      reduced[i] = true;
    double n = reducedCount(shape, reduced);
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = identityMap(ctx, rank);
    AffineMap kept = keptDimsMap(ctx, reduced);
    // Affine parameters are read through the normalised (trailing) dims.
    SmallVector<AffineExpr> trailing;
    for (int64_t i = axis; i < rank; ++i)
      trailing.push_back(getAffineDimExpr(i, ctx));
    AffineMap affineMap = AffineMap::get(rank, 0, trailing, ctx);

    // The mean, corrected: m0 = sum / n, then mean = m0 + sum(x - m0) / n
    // (the corrected two-pass algorithm). The f32 quotient sum / n is
    // inexact; the correction makes the mean of a constant row that
    // constant exactly (so its normalised values are exactly 0, as
    // PyTorch's) and removes the first-order error of rows with a large
    // common offset. var = sum((x - m0)^2) / n - (sum(x - m0) / n)^2.
    Value sum = reduceOne(rewriter, loc, x, reduced, 0.0, addCombine);
    auto deviation = [n](OpBuilder &b, Location l, Value x,
                         Value sum) -> Value {
      Value m0 = arith::DivFOp::create(b, l, sum, cst(b, l, sum, n));
      return arith::SubFOp::create(b, l, x, m0);
    };
    Value dev = buildReduction(
        rewriter, loc, shape, ValueRange{x, sum}, {id, kept}, reduced, 0.0,
        [&](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
          return arith::AddFOp::create(b, l, acc,
                                       deviation(b, l, xs[0], xs[1]));
        });
    Value sq = buildReduction(
        rewriter, loc, shape, ValueRange{x, sum}, {id, kept}, reduced, 0.0,
        [&](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
          Value d = deviation(b, l, xs[0], xs[1]);
          return arith::AddFOp::create(b, l, acc,
                                       arith::MulFOp::create(b, l, d, d));
        });
    double eps = op.getEpsilon().convertToDouble();
    Value r = buildMapped(
        rewriter, loc, resultTypeOf(op),
        ValueRange{x, sum, dev, sq, op.getGamma(), op.getBeta()},
        {id, kept, kept, kept, affineMap, affineMap},
        [n, eps](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value shift = arith::DivFOp::create(b, l, a[2], cst(b, l, a[2], n));
          Value mean = arith::AddFOp::create(
              b, l, arith::DivFOp::create(b, l, a[1], cst(b, l, a[1], n)),
              shift);
          Value var = arith::SubFOp::create(
              b, l, arith::DivFOp::create(b, l, a[3], cst(b, l, a[3], n)),
              arith::MulFOp::create(b, l, shift, shift));
          var = arith::MaximumFOp::create(b, l, var, cst(b, l, var, 0.0));
          Value inv = math::RsqrtOp::create(
              b, l, arith::AddFOp::create(b, l, var, cst(b, l, var, eps)));
          Value norm = arith::MulFOp::create(
              b, l, arith::SubFOp::create(b, l, a[0], mean), inv);
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, norm, a[4]), a[5]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct CrossEntropyLowering : OpRewritePattern<CrossEntropyOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CrossEntropyOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = op.getLogits();
    ArrayRef<int64_t> shape = shapeOf(logits);
    int64_t classes = shape[1];
    SmallVector<bool> overClasses{false, true};
    auto [m, s] = maxAndSumShiftedExp(rewriter, loc, logits, overClasses);
    // total = sum_n (m[n] + log(s[n]) - logits[n, label[n]])
    AffineMap id1 = identityMap(rewriter.getContext(), 1);
    Value total = buildReduction(
        rewriter, loc, {shape[0]}, ValueRange{m, s, op.getLabels()},
        {id1, id1, id1}, {true}, 0.0,
        [&](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
          Value row = linalg::IndexOp::create(b, l, 0);
          // Labels are clamped to stay in bounds; lp-run rejects
          // out-of-range labels before it runs.
          Value label = clampedIndex(b, l, xs[2], classes);
          Value picked = toCompute(
              b, l, tensor::ExtractOp::create(b, l, logits,
                                              ValueRange{row, label}));
          Value lse = arith::AddFOp::create(b, l, xs[0],
                                            math::LogOp::create(b, l, xs[1]));
          return arith::AddFOp::create(
              b, l, acc, arith::SubFOp::create(b, l, lse, picked));
        });
    rewriter.replaceOp(op, finishReduction(rewriter, loc, total, shape[0],
                                           resultTypeOf(op)));
    return success();
  }
};

struct MseLossLowering : OpRewritePattern<MseLossOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MseLossOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    ArrayRef<int64_t> shape = shapeOf(op.getPrediction());
    int64_t rank = shape.size();
    SmallVector<bool> all(rank, true);
    AffineMap id = identityMap(rewriter.getContext(), rank);
    Value total = buildReduction(
        rewriter, loc, shape, ValueRange{op.getPrediction(), op.getTarget()},
        {id, id}, all, 0.0,
        [](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
          Value d = arith::SubFOp::create(b, l, xs[0], xs[1]);
          return arith::AddFOp::create(b, l, acc,
                                       arith::MulFOp::create(b, l, d, d));
        });
    double n = cast<RankedTensorType>(op.getPrediction().getType())
                   .getNumElements();
    rewriter.replaceOp(
        op, finishReduction(rewriter, loc, total, n, resultTypeOf(op)));
    return success();
  }
};

} // namespace

void lp::populateLPReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceLowering<ReduceSumOp>, ReduceLowering<ReduceMeanOp>,
               ReduceLowering<ReduceMaxOp>, SoftmaxLowering<SoftmaxOp>,
               SoftmaxLowering<LogSoftmaxOp>, LayerNormLowering,
               CrossEntropyLowering, MseLossLowering>(patterns.getContext());
}
