//===- ObserverPatterns.cpp - lp observers and select to linalg -----------===//
//
// lp.aminmax becomes two reductions (min and max) over every dimension but
// the channel axis; lp.observe, lp.quant_params and lp.select become
// elementwise linalg.generics, in f32 (docs/Quantization.md gives
// PyTorch's formulas they follow).
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

/// f32's machine epsilon, 2^-23: the smallest scale an observer gives.
constexpr double kScaleFloor = 1.0 / (1 << 23);

Value minCombine(OpBuilder &b, Location loc, Value acc, ValueRange xs) {
  return arith::MinimumFOp::create(b, loc, acc, xs[0]);
}

/// The minimum and maximum of `x` over the dimensions flagged in
/// `reduced`, in one linalg.generic with two outputs (one read of `x`).
std::pair<Value, Value> reduceMinMax(OpBuilder &b, Location loc, Value x,
                                     ArrayRef<bool> reduced) {
  MLIRContext *ctx = b.getContext();
  ArrayRef<int64_t> shape = shapeOf(x);
  SmallVector<int64_t> outShape;
  SmallVector<utils::IteratorType> iters;
  reductionSpace(shape, reduced, outShape, iters);
  double inf = std::numeric_limits<double>::infinity();
  Value lo = filledTensor(b, loc, outShape, b.getF32Type(), inf);
  Value hi = filledTensor(b, loc, outShape, b.getF32Type(), -inf);
  AffineMap kept = keptDimsMap(ctx, reduced);
  SmallVector<AffineMap> maps = {identityMap(ctx, reduced.size()), kept, kept};
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{lo.getType(), hi.getType()}, ValueRange{x},
      ValueRange{lo, hi}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value v = toCompute(nb, nloc, args[0]);
        Value mn = arith::MinimumFOp::create(nb, nloc, args[1], v);
        Value mx = arith::MaximumFOp::create(nb, nloc, args[2], v);
        linalg::YieldOp::create(nb, nloc, ValueRange{mn, mx});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

struct AminmaxLowering : OpRewritePattern<AminmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AminmaxOp op,
                                PatternRewriter &rewriter) const override {
    int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
    SmallVector<bool> reduced(rank, true);
    if (std::optional<uint64_t> axis = op.getAxis())
      reduced[*axis] = false;
    Location loc = op.getLoc();
    // When the innermost dimension is reduced with others, first over the
    // others, keeping it: that loop's innermost iterations are independent,
    // so LLVM vectorizes them, where one running value per output (a
    // loop-carried chain through memory) stays scalar; then over the
    // innermost dimension of the small result.
    if (rank >= 2 && reduced.back() &&
        llvm::count(ArrayRef<bool>(reduced).drop_back(), true) > 0) {
      SmallVector<bool> outer(reduced);
      outer.back() = false;
      auto [plo, phi] = reduceMinMax(rewriter, loc, op.getInput(), outer);
      int64_t partialRank = cast<RankedTensorType>(plo.getType()).getRank();
      SmallVector<bool> last(partialRank, false);
      last.back() = true;
      double inf = std::numeric_limits<double>::infinity();
      Value lo = reduceOne(rewriter, loc, plo, last, inf, minCombine);
      Value hi = reduceOne(rewriter, loc, phi, last, -inf, maxCombine);
      rewriter.replaceOp(op, {lo, hi});
      return success();
    }
    auto [lo, hi] = reduceMinMax(rewriter, loc, op.getInput(), reduced);
    rewriter.replaceOp(op, {lo, hi});
    return success();
  }
};

/// True where a range (min, max) is empty: nothing observed yet.
Value isEmpty(OpBuilder &b, Location loc, Value min, Value max) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, min, max);
}

/// One elementwise linalg.generic of `inputs` (all of `type`'s shape)
/// with two results of `type`: `body(isSecond)` gives each from the
/// inputs' scalars.
std::pair<Value, Value>
buildElementwisePair(OpBuilder &b, Location loc, RankedTensorType type,
                     ValueRange inputs,
                     llvm::function_ref<Value(OpBuilder &, Location,
                                              ValueRange, bool)>
                         body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps(inputs.size() + 2,
                              identityMap(ctx, type.getRank()));
  SmallVector<utils::IteratorType> iters(type.getRank(),
                                         utils::IteratorType::parallel);
  Value first = emptyTensor(b, loc, type.getShape(), type.getElementType());
  Value second = emptyTensor(b, loc, type.getShape(), type.getElementType());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type, type}, inputs, ValueRange{first, second}, maps,
      iters, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        ValueRange in = args.drop_back(2);
        Value r0 = body(nb, nloc, in, false);
        Value r1 = body(nb, nloc, in, true);
        linalg::YieldOp::create(nb, nloc, ValueRange{r0, r1});
      });
  return {generic.getResult(0), generic.getResult(1)};
}

struct ObserveLowering : OpRewritePattern<ObserveOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ObserveOp op,
                                PatternRewriter &rewriter) const override {
    std::optional<double> c;
    if (std::optional<APFloat> attr = op.getAveragingConstant())
      c = attr->convertToDouble();
    auto type = cast<RankedTensorType>(op.getMin().getType());
    ValueRange in = op->getOperands();
    // a = (current_min, current_max, min, max); one generic for both.
    auto [lo, hi] = buildElementwisePair(
        rewriter, op.getLoc(), type, op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a, bool isMax) -> Value {
          Value cur = a[isMax ? 1 : 0], old = a[isMax ? 3 : 2];
          Value next;
          if (c) {
            Value delta = arith::SubFOp::create(b, loc, cur, old);
            Value step =
                arith::MulFOp::create(b, loc, cst(b, loc, old, *c), delta);
            next = arith::AddFOp::create(b, loc, old, step);
          } else if (isMax) {
            next = arith::MaximumFOp::create(b, loc, cur, old);
          } else {
            next = arith::MinimumFOp::create(b, loc, cur, old);
          }
          return arith::SelectOp::create(b, loc, isEmpty(b, loc, a[2], a[3]),
                                         cur, next);
        });
    rewriter.replaceOp(op, {lo, hi});
    return success();
  }
};

struct QuantParamsLowering : OpRewritePattern<QuantParamsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(QuantParamsOp op,
                                PatternRewriter &rewriter) const override {
    int64_t qmin = op.getQuantMinAttr().getInt();
    int64_t qmax = op.getQuantMaxAttr().getInt();
    bool symmetric = op.getSymmetric();
    auto type = cast<RankedTensorType>(op.getMin().getType());
    // PyTorch's zero point of an unsigned symmetric range: 128 for the
    // default quint8 range, the midpoint rounded down for a custom one.
    double symmetricZp = 0;
    if (qmin >= 0)
      symmetricZp = qmin == 0 && qmax == 255 ? 128 : (qmin + qmax) / 2;
    // One generic computes both (the scale twice: LLVM shares it).
    auto [scale, zp] = buildElementwisePair(
          rewriter, op.getLoc(), type, op->getOperands(),
          [&](OpBuilder &b, Location loc, ValueRange a,
              bool zeroPoint) -> Value {
            Value zero = cst(b, loc, a[0], 0.0);
            Value mn = arith::MinimumFOp::create(b, loc, a[0], zero);
            Value mx = arith::MaximumFOp::create(b, loc, a[1], zero);
            Value s, z;
            if (symmetric) {
              Value neg = arith::NegFOp::create(b, loc, mn);
              Value amax = arith::MaximumFOp::create(b, loc, neg, mx);
              s = arith::DivFOp::create(b, loc, amax,
                                        cst(b, loc, amax, (qmax - qmin) / 2.0));
            } else {
              Value width = arith::SubFOp::create(b, loc, mx, mn);
              s = arith::DivFOp::create(
                  b, loc, width, cst(b, loc, width, double(qmax - qmin)));
            }
            s = arith::MaximumFOp::create(b, loc, s,
                                          cst(b, loc, s, kScaleFloor));
            if (!zeroPoint) {
              z = s;
            } else if (symmetric) {
              z = cst(b, loc, s, symmetricZp);
            } else {
              Value r = math::RoundEvenOp::create(
                  b, loc, arith::DivFOp::create(b, loc, mn, s));
              z = arith::SubFOp::create(b, loc, cst(b, loc, r, double(qmin)),
                                        r);
              z = arith::MaximumFOp::create(b, loc, z,
                                            cst(b, loc, z, double(qmin)));
              z = arith::MinimumFOp::create(b, loc, z,
                                            cst(b, loc, z, double(qmax)));
            }
            Value empty = isEmpty(b, loc, a[0], a[1]);
            return arith::SelectOp::create(
                b, loc, empty, cst(b, loc, z, zeroPoint ? 0.0 : 1.0), z);
          });
    rewriter.replaceOp(op, {scale, zp});
    return success();
  }
};

struct SelectLowering : OpRewritePattern<SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SelectOp op,
                                PatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        op->getOperands(), [](OpBuilder &b, Location loc, ValueRange a) {
          Value on = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                           a[0], cst(b, loc, a[0], 0.0));
          return arith::SelectOp::create(b, loc, on, a[1], a[2]).getResult();
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// lp.stop_gradient is its input.
struct StopGradientLowering : OpRewritePattern<StopGradientOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(StopGradientOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

} // namespace

void lp::populateLPObserverToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AminmaxLowering, ObserveLowering, QuantParamsLowering,
               SelectLowering, StopGradientLowering>(patterns.getContext());
}
