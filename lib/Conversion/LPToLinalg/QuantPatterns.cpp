//===- QuantPatterns.cpp - lp fake quantization to linalg -----------------===//
//
// lp.fake_quant and its straight-through gradient become one elementwise
// linalg.generic each, in f32, reading the scale and zero point per tensor
// or along the channel axis (docs/Quantization.md gives the formulas and
// PyTorch's kernels they follow).
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

/// The maps of (input, scale, zero point[, grad]) over the input's
/// iteration space: the scale and zero point read nothing (per tensor) or
/// the channel dimension.
template <typename Op>
SmallVector<AffineMap> quantMaps(Op op, int64_t operands) {
  MLIRContext *ctx = op.getContext();
  int64_t rank = cast<RankedTensorType>(op.getInput().getType()).getRank();
  AffineMap range =
      op.getChannelAxis()
          ? AffineMap::get(rank, 0, getAffineDimExpr(*op.getChannelAxis(), ctx))
          : AffineMap::get(rank, 0, ctx);
  SmallVector<AffineMap> maps(operands, identityMap(ctx, rank));
  maps[1] = maps[2] = range;
  return maps;
}

/// What every quantization op computes from (x, zero point, 1/scale):
/// the zero point rounded half to even and clamped, xs = x * (1/s)
/// (PyTorch multiplies by the f32 reciprocal), r = round_half_even(xs)
/// and q = r + zp, with the range's ends as constants.
struct Quantized {
  Value qmin, qmax, zp, xs, r, q;
};
Quantized quantize(OpBuilder &b, Location loc, Value x, Value zp, Value inv,
                   double lo, double hi) {
  Quantized v;
  v.qmin = cst(b, loc, x, lo);
  v.qmax = cst(b, loc, x, hi);
  Value z = math::RoundEvenOp::create(b, loc, zp);
  z = arith::MaximumFOp::create(b, loc, z, v.qmin);
  v.zp = arith::MinimumFOp::create(b, loc, z, v.qmax);
  v.xs = arith::MulFOp::create(b, loc, x, inv);
  v.r = math::RoundEvenOp::create(b, loc, v.xs);
  v.q = arith::AddFOp::create(b, loc, v.r, v.zp);
  return v;
}

/// One elementwise linalg.generic for `Op` over (x, scale, zero point[,
/// grad], 1/scale), after one that computes 1/scale; `Body` gives the
/// result from the operands and `quantize`.
template <typename Op, Value (*Body)(OpBuilder &, Location, Op, ValueRange,
                                     const Quantized &)>
struct QuantLowering : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    double lo = op.getQuantMinAttr().getInt();
    double hi = op.getQuantMaxAttr().getInt();
    // The reciprocal once per scale, not once per element (a division is
    // several times a multiply's cost); the last input of the generic.
    Value scale = op.getScale();
    Value inv = buildElementwise(
        rewriter, op.getLoc(), cast<RankedTensorType>(scale.getType()), scale,
        [](OpBuilder &b, Location loc, ValueRange a) -> Value {
          return arith::DivFOp::create(b, loc, cst(b, loc, a[0], 1.0), a[0]);
        });
    SmallVector<Value> inputs(op->getOperands());
    inputs.push_back(inv);
    SmallVector<AffineMap> maps = quantMaps(op, op->getNumOperands());
    maps.push_back(maps[1]);
    Value r = buildMapped(rewriter, op.getLoc(), resultTypeOf(op), inputs, maps,
                          [&](OpBuilder &b, Location loc, ValueRange a) {
                            return Body(
                                b, loc, op, a,
                                quantize(b, loc, a[0], a[2], a.back(), lo, hi));
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// (clamp(q) - zp) * scale; maximumf/minimumf keep NaN and saturate +-inf.
Value fakeQuantBody(OpBuilder &b, Location loc, FakeQuantOp, ValueRange a,
                    const Quantized &v) {
  Value low = arith::MaximumFOp::create(b, loc, v.q, v.qmin);
  Value clamped = arith::MinimumFOp::create(b, loc, low, v.qmax);
  Value shifted = arith::SubFOp::create(b, loc, clamped, v.zp);
  return arith::MulFOp::create(b, loc, shifted, a[1]);
}

/// dy where q lies in the range (ordered comparisons: NaN is outside).
Value fakeQuantGradBody(OpBuilder &b, Location loc, FakeQuantGradOp,
                        ValueRange a, const Quantized &v) {
  Value above =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, v.q, v.qmin);
  Value below =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, v.q, v.qmax);
  Value inside = arith::AndIOp::create(b, loc, above, below);
  return arith::SelectOp::create(b, loc, inside, a[3], cst(b, loc, a[3], 0.0));
}

/// The LSQ terms: scale: (qmin|qmax - zp) * dy outside the range,
/// (r - xs) * dy inside (NaN stays); zero point: -scale * dy outside, 0
/// inside; both times grad_factor.
Value rangeGradBody(OpBuilder &b, Location loc, FakeQuantRangeGradOp op,
                    ValueRange a, const Quantized &v) {
  Value s = a[1], dy = a[3];
  Value below =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, v.q, v.qmin);
  Value above =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, v.q, v.qmax);
  Value g;
  if (op.getZeroPointGrad()) {
    Value outside = arith::OrIOp::create(b, loc, below, above);
    Value negScale = arith::NegFOp::create(b, loc, s);
    Value out = arith::MulFOp::create(b, loc, negScale, dy);
    g = arith::SelectOp::create(b, loc, outside, out, cst(b, loc, dy, 0.0));
  } else {
    Value inside = arith::SubFOp::create(b, loc, v.r, v.xs);
    Value low = arith::SubFOp::create(b, loc, v.qmin, v.zp);
    Value high = arith::SubFOp::create(b, loc, v.qmax, v.zp);
    Value pick = arith::SelectOp::create(b, loc, above, high, inside);
    pick = arith::SelectOp::create(b, loc, below, low, pick);
    g = arith::MulFOp::create(b, loc, pick, dy);
  }
  double factor = op.getGradFactor().convertToDouble();
  return arith::MulFOp::create(b, loc, g, cst(b, loc, dy, factor));
}

} // namespace

void lp::populateLPQuantToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantLowering<FakeQuantOp, fakeQuantBody>,
               QuantLowering<FakeQuantGradOp, fakeQuantGradBody>,
               QuantLowering<FakeQuantRangeGradOp, rangeGradBody>>(
      patterns.getContext());
}
