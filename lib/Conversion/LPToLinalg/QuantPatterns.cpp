//===- QuantPatterns.cpp - lp fake quantization to linalg -----------------===//
//
// lp.fake_quant and its straight-through gradient become one elementwise
// linalg.generic each, in f32, reading the scale and zero point per tensor
// or along the channel axis (docs/Quantization.md gives the formulas and
// PyTorch's kernels they follow); so do lp.quantize and lp.dequantize, and
// int4 packing is one generic that reads its nibbles with tensor.extract.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

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

/// The i8 code: clamp(q) as lp.fake_quant clamps it, NaN to the zero point.
Value quantizeBody(OpBuilder &b, Location loc, QuantizeOp, ValueRange,
                   const Quantized &v) {
  Value low = arith::MaximumFOp::create(b, loc, v.q, v.qmin);
  Value clamped = arith::MinimumFOp::create(b, loc, low, v.qmax);
  Value nan =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v.q, v.q);
  Value code = arith::SelectOp::create(b, loc, nan, v.zp, clamped);
  return arith::FPToSIOp::create(b, loc, b.getI8Type(), code);
}

/// (f32(q) - zp) * scale, the order lp.fake_quant computes it in, with
/// its zero point (rounded half to even and clamped).
struct DequantizeLowering : OpRewritePattern<DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    double lo = op.getQuantMinAttr().getInt();
    double hi = op.getQuantMaxAttr().getInt();
    Value r = buildMapped(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        quantMaps(op, 3), [&](OpBuilder &b, Location loc, ValueRange a) {
          Value z = math::RoundEvenOp::create(b, loc, a[2]);
          z = arith::MaximumFOp::create(b, loc, z, cst(b, loc, z, lo));
          z = arith::MinimumFOp::create(b, loc, z, cst(b, loc, z, hi));
          Value q = arith::SIToFPOp::create(b, loc, b.getF32Type(), a[0]);
          Value shifted = arith::SubFOp::create(b, loc, q, z);
          return arith::MulFOp::create(b, loc, shifted, a[1]).getResult();
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Element `flat` (row-major) of `tensor`.
Value extractFlat(OpBuilder &b, Location loc, Value tensor, Value flat) {
  ArrayRef<int64_t> shape = cast<RankedTensorType>(tensor.getType()).getShape();
  SmallVector<Value> indices(shape.size());
  // The outermost index is what the inner ones leave.
  for (int64_t d = int64_t(shape.size()) - 1; d > 0; --d) {
    Value size = indexConst(b, loc, shape[d]);
    indices[d] = arith::RemUIOp::create(b, loc, flat, size);
    flat = arith::DivUIOp::create(b, loc, flat, size);
  }
  if (!shape.empty())
    indices[0] = flat;
  return tensor::ExtractOp::create(b, loc, tensor, indices);
}

/// A generic over `type` (no inputs) whose body computes each element from
/// its indices.
Value generate(OpBuilder &b, Location loc, RankedTensorType type,
               function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = type.getRank();
  Value init = emptyTensor(b, loc, type.getShape(), type.getElementType());
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{}, ValueRange{init},
      SmallVector<AffineMap>{identityMap(b.getContext(), rank)}, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange) {
        SmallVector<Value> indices;
        for (int64_t d = 0; d < rank; ++d)
          indices.push_back(linalg::IndexOp::create(nb, nloc, d));
        linalg::YieldOp::create(nb, nloc, body(nb, nloc, indices));
      });
  return generic.getResult(0);
}

Value i8Const(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI8Type(), v);
}

/// Byte k: (code[2k] & 15) | (code[2k + 1] << 4), the second 0 past the end.
struct PackInt4Lowering : OpRewritePattern<PackInt4Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PackInt4Op op,
                                PatternRewriter &rewriter) const override {
    Value codes = op.getInput();
    int64_t n = cast<RankedTensorType>(codes.getType()).getNumElements();
    Value r = generate(
        rewriter, op.getLoc(), resultTypeOf(op),
        [&](OpBuilder &b, Location loc, ValueRange idx) {
          Value even =
              arith::MulIOp::create(b, loc, idx[0], indexConst(b, loc, 2));
          Value odd =
              arith::AddIOp::create(b, loc, even, indexConst(b, loc, 1));
          Value last = indexConst(b, loc, n - 1);
          Value inside = arith::CmpIOp::create(
              b, loc, arith::CmpIPredicate::ult, odd, indexConst(b, loc, n));
          Value oddAt = arith::MinUIOp::create(b, loc, odd, last);
          Value lo = extractFlat(b, loc, codes, even);
          Value hi = extractFlat(b, loc, codes, oddAt);
          hi = arith::SelectOp::create(b, loc, inside, hi, i8Const(b, loc, 0));
          lo = arith::AndIOp::create(b, loc, lo, i8Const(b, loc, 15));
          hi = arith::ShLIOp::create(b, loc, hi, i8Const(b, loc, 4));
          return arith::OrIOp::create(b, loc, lo, hi).getResult();
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// Code f: the low (f even) or high nibble of byte f / 2, sign-extended.
struct UnpackInt4Lowering : OpRewritePattern<UnpackInt4Op> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(UnpackInt4Op op,
                                PatternRewriter &rewriter) const override {
    Value packed = op.getInput();
    RankedTensorType type = resultTypeOf(op);
    Value r = generate(
        rewriter, op.getLoc(), type,
        [&](OpBuilder &b, Location loc, ValueRange idx) {
          Value flat = indexConst(b, loc, 0);
          for (auto [d, i] : llvm::enumerate(idx)) {
            Value size = indexConst(b, loc, type.getDimSize(d));
            flat = arith::MulIOp::create(b, loc, flat, size);
            flat = arith::AddIOp::create(b, loc, flat, i);
          }
          Value two = indexConst(b, loc, 2);
          Value byteAt = arith::DivUIOp::create(b, loc, flat, two);
          Value byte = tensor::ExtractOp::create(b, loc, packed, byteAt);
          Value parity = arith::RemUIOp::create(b, loc, flat, two);
          Value isLow = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              parity, indexConst(b, loc, 0));
          Value four = i8Const(b, loc, 4);
          Value up = arith::ShLIOp::create(b, loc, byte, four);
          Value top = arith::SelectOp::create(b, loc, isLow, up, byte);
          return arith::ShRSIOp::create(b, loc, top, four).getResult();
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void lp::populateLPQuantToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantLowering<FakeQuantOp, fakeQuantBody>,
               QuantLowering<FakeQuantGradOp, fakeQuantGradBody>,
               QuantLowering<FakeQuantRangeGradOp, rangeGradBody>,
               QuantLowering<QuantizeOp, quantizeBody>, DequantizeLowering,
               PackInt4Lowering, UnpackInt4Lowering>(patterns.getContext());
}
