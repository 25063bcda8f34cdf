//===- LibraryConvPatterns.cpp - f32 convolutions for a library -----------===//
//
// With convert-lp-to-linalg's `conv-library`, f32 lp.conv2d and its two
// gradients become one linalg.generic each, with the convolution's exact
// semantics, marked `library_call = "lp_conv2d..."`, which
// lp-convs-to-library turns into calls of the runtime's direct
// convolutions (oneDNN), instead of im2col copies and products:
//
//   forward:      y[n,f,oh,ow]  += xp[n,c,oh*sh+kh,ow*sw+kw] * w[f,c,kh,kw]
//   filter grad:  dw[f,c,kh,kw] += xp[n,c,oh*sh+kh,ow*sw+kw] * dy[n,f,oh,ow]
//   input grad:   dx[n,c,ih,iw] += dyd[n,f,ih+kh,iw+kw] * wf[f,c,kh,kw]
//
// xp is the input padded with zeros; dyd is dy spread `stride` apart at
// offset (KH-1-ph, KW-1-pw) in zeros of [N, F, H+KH-1, W+KW-1] and wf the
// filter flipped in (kh, kw): the gradient as a stride-1 correlation. The
// generic is a correct (slow) lowering by itself; the call needs its
// stride and padding, kept in `lp.conv = array<i64: sh, sw, ph, pw>`.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

bool allF32(Operation *op) {
  auto f32 = [](Type t) { return getElementTypeOrSelf(t).isF32(); };
  return llvm::all_of(op->getOperandTypes(), f32) &&
         llvm::all_of(op->getResultTypes(), f32);
}

/// The 7 loop dimensions of a library convolution (4 parallel, then 3
/// reductions).
SmallVector<AffineExpr> loopDims(MLIRContext *ctx) {
  SmallVector<AffineExpr> d;
  for (unsigned i = 0; i < 7; ++i)
    d.push_back(getAffineDimExpr(i, ctx));
  return d;
}

/// The generic `out += a * b` into zeros of `outShape` (f32) over the 7
/// loops, with the given maps, marked for `function`.
Value libraryConv(OpBuilder &b, Location loc, StringRef function, Value a,
                  Value bv, ArrayRef<int64_t> outShape,
                  ArrayRef<AffineExpr> aMap, ArrayRef<AffineExpr> bMap,
                  ArrayRef<int64_t> stride, ArrayRef<int64_t> padding) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps{
      AffineMap::get(7, 0, aMap, ctx), AffineMap::get(7, 0, bMap, ctx),
      AffineMap::get(7, 0, ArrayRef(loopDims(ctx)).take_front(4), ctx)};
  Value out = filledTensor(b, loc, outShape, b.getF32Type(), 0.0);
  SmallVector<utils::IteratorType> iters(4, utils::IteratorType::parallel);
  iters.append(3, utils::IteratorType::reduction);
  auto generic = linalg::GenericOp::create(
      b, loc, out.getType(), ValueRange{a, bv}, ValueRange{out}, maps, iters,
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value p = arith::MulFOp::create(nb, l, args[0], args[1]);
        linalg::YieldOp::create(
            nb, l, Value(arith::AddFOp::create(nb, l, args[2], p)));
      });
  generic.setLibraryCallAttr(b.getStringAttr(function));
  generic->setAttr(kConvAttr, b.getDenseI64ArrayAttr({stride[0], stride[1],
                                                      padding[0], padding[1]}));
  return generic.getResult(0);
}

struct LibraryConv2d : OpRewritePattern<Conv2dOp> {
  LibraryConv2d(MLIRContext *ctx) : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(Conv2dOp op,
                                PatternRewriter &rewriter) const override {
    if (!allF32(op))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    ArrayRef<int64_t> s = op.getStride();
    Value xp = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    SmallVector<AffineExpr> d = loopDims(rewriter.getContext());
    // Loops (n, f, oh, ow, c, kh, kw).
    Value acc = libraryConv(
        rewriter, loc, "lp_conv2d_f32", xp, op.getFilter(), type.getShape(),
        {d[0], d[4], d[2] * s[0] + d[5], d[3] * s[1] + d[6]},
        {d[1], d[4], d[5], d[6]}, s, op.getPadding());
    rewriter.replaceOp(
        op, finishContraction(rewriter, loc, acc, op.getBias(), 1, type));
    return success();
  }
};

struct LibraryConv2dGradFilter : OpRewritePattern<Conv2dGradFilterOp> {
  LibraryConv2dGradFilter(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(Conv2dGradFilterOp op,
                                PatternRewriter &rewriter) const override {
    if (!allF32(op))
      return failure();
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    ArrayRef<int64_t> s = op.getStride();
    Value xp = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    SmallVector<AffineExpr> d = loopDims(rewriter.getContext());
    // Loops (f, c, kh, kw, n, oh, ow).
    rewriter.replaceOp(
        op, libraryConv(rewriter, loc, "lp_conv2d_grad_filter_f32", xp,
                        op.getGrad(), type.getShape(),
                        {d[4], d[1], d[5] * s[0] + d[2], d[6] * s[1] + d[3]},
                        {d[4], d[0], d[5], d[6]}, s, op.getPadding()));
    return success();
  }
};

struct LibraryConv2dGradInput : OpRewritePattern<Conv2dGradInputOp> {
  LibraryConv2dGradInput(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(Conv2dGradInputOp op,
                                PatternRewriter &rewriter) const override {
    if (!allF32(op))
      return failure();
    ArrayRef<int64_t> s = op.getStride(), p = op.getPadding();
    ArrayRef<int64_t> w = shapeOf(op.getFilter()), dy = shapeOf(op.getGrad());
    RankedTensorType type = resultTypeOf(op);
    ArrayRef<int64_t> x = type.getShape();
    // dy spread into [N, F, H+KH-1, W+KW-1] at (KH-1-ph, KW-1-pw): needs
    // padding below the kernel size (else the im2col lowering stays).
    if (p[0] > w[2] - 1 || p[1] > w[3] - 1)
      return failure();
    Location loc = op.getLoc();
    Type f32 = rewriter.getF32Type();
    Value zeros = filledTensor(rewriter, loc,
                               {dy[0], dy[1], x[2] + w[2] - 1, x[3] + w[3] - 1},
                               f32, 0.0);
    SmallVector<OpFoldResult> offsets{rewriter.getIndexAttr(0),
                                      rewriter.getIndexAttr(0),
                                      rewriter.getIndexAttr(w[2] - 1 - p[0]),
                                      rewriter.getIndexAttr(w[3] - 1 - p[1])};
    SmallVector<OpFoldResult> sizes,
        strides{rewriter.getIndexAttr(1), rewriter.getIndexAttr(1),
                rewriter.getIndexAttr(s[0]), rewriter.getIndexAttr(s[1])};
    for (int64_t v : dy)
      sizes.push_back(rewriter.getIndexAttr(v));
    Value dyd = tensor::InsertSliceOp::create(rewriter, loc, op.getGrad(),
                                              zeros, offsets, sizes, strides);
    // The filter flipped in (kh, kw).
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> d = loopDims(ctx);
    auto wType = cast<RankedTensorType>(op.getFilter().getType());
    Value wf = buildMapped(
        rewriter, loc, wType, ValueRange{op.getFilter()},
        {AffineMap::get(4, 0,
                        {d[0], d[1],
                         getAffineConstantExpr(w[2] - 1, ctx) - d[2],
                         getAffineConstantExpr(w[3] - 1, ctx) - d[3]},
                        ctx)},
        [](OpBuilder &, Location, ValueRange a) { return a[0]; });

    // Loops (n, c, ih, iw, f, kh, kw).
    rewriter.replaceOp(op, libraryConv(rewriter, loc,
                                       "lp_conv2d_grad_input_f32", dyd, wf, x,
                                       {d[0], d[4], d[2] + d[5], d[3] + d[6]},
                                       {d[4], d[1], d[5], d[6]}, s, p));
    return success();
  }
};

} // namespace

void lp::populateLPConvToLibraryPatterns(RewritePatternSet &patterns) {
  patterns.add<LibraryConv2d, LibraryConv2dGradFilter, LibraryConv2dGradInput>(
      patterns.getContext());
}
