//===- ElementwisePatterns.cpp - lp elementwise/shape ops to linalg -------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {


/// Binary ops with numpy broadcasting: one arith op on f32 in the body.
template <typename LPOp, typename ArithOp>
struct BinaryLowering : OpRewritePattern<LPOp> {
  using OpRewritePattern<LPOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(LPOp op,
                                PatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        [](OpBuilder &b, Location loc, ValueRange a) -> Value {
          return ArithOp::create(b, loc, a[0], a[1]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Unary ops whose body is a function of one f32 value.
template <typename LPOp>
struct UnaryLowering : OpRewritePattern<LPOp> {
  using BodyFn = Value (*)(OpBuilder &, Location, Value);
  UnaryLowering(MLIRContext *ctx, BodyFn body)
      : OpRewritePattern<LPOp>(ctx), body(body) {}
  LogicalResult matchAndRewrite(LPOp op,
                                PatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) {
          return body(b, loc, a[0]);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
  BodyFn body;
};

Value reluBody(OpBuilder &b, Location loc, Value x) {
  // maximumf propagates NaN, as torch.relu does.
  return arith::MaximumFOp::create(b, loc, x, cst(b, loc, x, 0.0));
}
Value tanhBody(OpBuilder &b, Location loc, Value x) {
  return math::TanhOp::create(b, loc, x);
}
Value expBody(OpBuilder &b, Location loc, Value x) {
  return math::ExpOp::create(b, loc, x);
}
Value logBody(OpBuilder &b, Location loc, Value x) {
  return math::LogOp::create(b, loc, x);
}
Value sqrtBody(OpBuilder &b, Location loc, Value x) {
  return math::SqrtOp::create(b, loc, x);
}
Value identityBody(OpBuilder &b, Location loc, Value x) { return x; }
Value sigmoidBody(OpBuilder &b, Location loc, Value x) {
  Value negX = arith::NegFOp::create(b, loc, x);
  Value e = math::ExpOp::create(b, loc, negX);
  Value one = cst(b, loc, x, 1.0);
  Value den = arith::AddFOp::create(b, loc, one, e);
  return arith::DivFOp::create(b, loc, one, den);
}

struct GeluLowering : OpRewritePattern<GeluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluOp op,
                                PatternRewriter &rewriter) const override {
    bool useTanh = op.getApproximate() == GeluApproximation::tanh;
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value x = a[0];
          Value half = cst(b, loc, x, 0.5), one = cst(b, loc, x, 1.0);
          if (useTanh) {
            // 0.5 x (1 + tanh(u)) = x * sigmoid(2u) = x / (1 + exp(-2u)),
            // u = sqrt(2/pi) (x + 0.044715 x^3): the same function without
            // tanh's cancellation-prone 1 + t, and one expf instead of a
            // tanhf (libm's tanhf costs several expf).
            Value x3 = arith::MulFOp::create(
                b, loc, x, arith::MulFOp::create(b, loc, x, x));
            Value poly = arith::AddFOp::create(
                b, loc, x,
                arith::MulFOp::create(b, loc, cst(b, loc, x, kGeluCubic), x3));
            Value minus2u = arith::MulFOp::create(
                b, loc, cst(b, loc, x, -2.0 * kGeluSqrt2OverPi), poly);
            Value denom = arith::AddFOp::create(
                b, loc, one, math::ExpOp::create(b, loc, minus2u));
            return arith::DivFOp::create(b, loc, x, denom);
          }
          // 1 + erf(x / sqrt 2) = erfc(-x / sqrt 2): no cancellation in
          // the negative tail (gelu(-6) = -5.9e-9, not -0).
          Value factor = math::ErfcOp::create(
              b, loc,
              arith::MulFOp::create(b, loc, x, cst(b, loc, x, -M_SQRT1_2)));
          return arith::MulFOp::create(
              b, loc, arith::MulFOp::create(b, loc, half, x), factor);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Rounds the (f32 or f64) value `x` to `type` toward zero: round to nearest even,
/// then step one ulp toward zero if that overshot |x|. For sign-magnitude
/// formats, decrementing the bit pattern moves toward zero, and an overflow
/// to inf steps back to the largest finite value.
Value roundTowardZero(OpBuilder &b, Location loc, Value x, FloatType type) {
  Value rne = toType(b, loc, x, type);
  Value back = toType(b, loc, rne, x.getType());
  Value absBack = math::AbsFOp::create(b, loc, back);
  Value absX = math::AbsFOp::create(b, loc, x);
  Value overshot = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                         absBack, absX);
  Type intType = b.getIntegerType(type.getWidth());
  Value bits = arith::BitcastOp::create(b, loc, intType, rne);
  Value one = arith::ConstantOp::create(b, loc, b.getIntegerAttr(intType, 1));
  Value stepped = arith::BitcastOp::create(
      b, loc, type, arith::SubIOp::create(b, loc, bits, one));
  return arith::SelectOp::create(b, loc, overshot, stepped, rne);
}

struct CastLowering : OpRewritePattern<CastOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CastOp op,
                                PatternRewriter &rewriter) const override {
    auto outType = cast<FloatType>(resultTypeOf(op).getElementType());
    bool towardZero = op.getRounding() == RoundingMode::toward_zero;
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op.getInput(),
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          // a[0] is the input extended to f32 (or f64), which is exact.
          auto inType = cast<FloatType>(a[0].getType());
          if (!towardZero || outType.getWidth() >= inType.getWidth())
            return toType(b, loc, a[0], outType);
          return roundTowardZero(b, loc, a[0], outType);
        });
    // A cast the backward pass recomputes stays a computation of its own,
    // into a buffer of its own (CSE would share the forward's tensor.empty,
    // and bufferization the forward's buffer, live from forward to
    // backward).
    if (op->hasAttr(kRematAttr))
      if (auto generic = r.getDefiningOp<linalg::GenericOp>()) {
        generic->setAttr(kRematAttr, rewriter.getUnitAttr());
        for (Value init : generic.getDpsInits())
          if (Operation *empty = init.getDefiningOp<tensor::EmptyOp>())
            empty->setAttr(kRematAttr, rewriter.getUnitAttr());
      }
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct ReshapeLowering : OpRewritePattern<ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), op.getInput(),
                                     resultTypeOf(op)));
    return success();
  }
};

struct TransposeLowering : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    // The identity permutation (and every rank-0 transpose, which MLIR 22's
    // linalg.transpose verifier crashes on) is the input itself.
    if (llvm::all_of(llvm::enumerate(op.getPermutation()),
                     [](auto p) { return p.value() == int64_t(p.index()); })) {
      rewriter.replaceOp(op, op.getInput());
      return success();
    }
    RankedTensorType type = resultTypeOf(op);
    Value init = emptyTensor(rewriter, op.getLoc(), type.getShape(),
                             type.getElementType());
    auto t = linalg::TransposeOp::create(rewriter, op.getLoc(), op.getInput(),
                                         init, op.getPermutation());
    rewriter.replaceOp(op, t->getResults());
    return success();
  }
};

struct EmbeddingLowering : OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    RankedTensorType type = resultTypeOf(op);
    int64_t rank = type.getRank();
    Value table = op.getTable();
    int64_t vocab = cast<RankedTensorType>(table.getType()).getDimSize(0);
    // indices are read through the leading dims of the result space.
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i + 1 < rank; ++i)
      exprs.push_back(rewriter.getAffineDimExpr(i));
    AffineMap idsMap = AffineMap::get(rank, 0, exprs, getContext());
    Value r = buildMapped(
        rewriter, op.getLoc(), type, op.getIndices(), idsMap,
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          // Indices are clamped so that memory stays in bounds; lp-run
          // rejects out-of-range inputs before it runs.
          Value row = clampedIndex(b, loc, a[0], vocab);
          Value col = linalg::IndexOp::create(b, loc, rank - 1);
          return tensor::ExtractOp::create(b, loc, table,
                                           ValueRange{row, col});
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void lp::populateLPElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<BinaryLowering<AddOp, arith::AddFOp>,
               BinaryLowering<SubOp, arith::SubFOp>,
               BinaryLowering<MulOp, arith::MulFOp>,
               BinaryLowering<DivOp, arith::DivFOp>>(ctx);
  patterns.add<UnaryLowering<ReluOp>>(ctx, reluBody);
  patterns.add<UnaryLowering<TanhOp>>(ctx, tanhBody);
  patterns.add<UnaryLowering<SigmoidOp>>(ctx, sigmoidBody);
  patterns.add<UnaryLowering<ExpOp>>(ctx, expBody);
  patterns.add<UnaryLowering<LogOp>>(ctx, logBody);
  patterns.add<UnaryLowering<SqrtOp>>(ctx, sqrtBody);
  patterns.add<UnaryLowering<BroadcastOp>>(ctx, identityBody);
  patterns.add<GeluLowering, CastLowering, ReshapeLowering, TransposeLowering,
               EmbeddingLowering>(ctx);
}
