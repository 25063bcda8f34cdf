//===- GradientPatterns.cpp - lp gradient ops to linalg -------------------===//
//
// The window ops' gradients (conv input, pooling) gather: each input
// position sums the output gradients of the windows that contain it, with
// the window index computed in the body and out-of-range positions masked.
// The conv gradients are products first (im2col, as the forward conv): the
// input gradient gathers from filter^T x dy, the filter gradient is
// dy x im2col(x)^T.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

/// A map from `rank` loop dims to the listed dims.
AffineMap dimsMap(MLIRContext *ctx, int64_t rank, ArrayRef<int64_t> dims) {
  SmallVector<AffineExpr> exprs;
  for (int64_t d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}
Value index(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Whether `x` is the maximum `m` it was reduced into: equal, or both NaN
/// (a NaN is the maximum, as the forward's arith.maximumf makes it).
Value isMaximum(OpBuilder &b, Location loc, Value x, Value m) {
  auto isNan = [&](Value v) -> Value {
    return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  };
  Value equal = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, x, m);
  Value bothNan = arith::AndIOp::create(b, loc, isNan(x), isNan(m));
  return arith::OrIOp::create(b, loc, equal, bothNan);
}

/// For every window (n, c, oh, ow) of a max pooling of `x`, the row-major
/// offset kh * KW + kw of its first maximum (PyTorch's argmax: the first
/// position equal to the window's maximum `pooled`, a NaN counting as the
/// maximum), as a float tensor. A min-reduction over the window, so the
/// order the loops run in does not matter.
Value firstMaximum(OpBuilder &b, Location loc, Value x, Value pooled,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> stride,
                   ArrayRef<int64_t> pad) {
  MLIRContext *ctx = b.getContext();
  Value padded = padSpatial(b, loc, x, pad, kNegInf);
  ArrayRef<int64_t> outShape = shapeOf(pooled);
  SmallVector<int64_t> iterShape(outShape);
  iterShape.append(kernel.begin(), kernel.end());
  auto d = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  AffineMap window = AffineMap::get(
      6, 0, {d(0), d(1), d(2) * stride[0] + d(4), d(3) * stride[1] + d(5)},
      ctx);
  double none = double(kernel[0] * kernel[1]);
  // An empty tensor of the kernel's shape only gives the kernel loops their
  // extent (linalg needs every loop read plainly somewhere).
  Value extent = emptyTensor(
      b, loc, kernel,
      computeType(cast<RankedTensorType>(x.getType()).getElementType()));
  return buildReduction(
      b, loc, iterShape, ValueRange{extent, padded, pooled},
      {dimsMap(ctx, 6, {4, 5}), window, dimsMap(ctx, 6, {0, 1, 2, 3})},
      {false, false, false, false, true, true}, none,
      [&](OpBuilder &nb, Location l, Value acc, ValueRange xs) -> Value {
        Value kh = linalg::IndexOp::create(nb, l, 4);
        Value kw = linalg::IndexOp::create(nb, l, 5);
        Value offset = arith::AddIOp::create(
            nb, l, arith::MulIOp::create(nb, l, kh, index(nb, l, kernel[1])),
            kw);
        Value k = arith::UIToFPOp::create(
            nb, l, acc.getType(),
            arith::IndexCastOp::create(nb, l, nb.getI64Type(), offset));
        // Padding never wins, also when the window's maximum is -inf.
        Value hit = isMaximum(nb, l, xs[1], xs[2]);
        for (int64_t dim : {0, 1}) {
          Value at = arith::AddIOp::create(
              nb, l,
              arith::MulIOp::create(nb, l,
                                    linalg::IndexOp::create(nb, l, 2 + dim),
                                    index(nb, l, stride[dim])),
              linalg::IndexOp::create(nb, l, 4 + dim));
          Value low = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge,
                                            at, index(nb, l, pad[dim]));
          Value high = arith::CmpIOp::create(
              nb, l, arith::CmpIPredicate::slt, at,
              index(nb, l, pad[dim] + shapeOf(x)[2 + dim]));
          hit = arith::AndIOp::create(nb, l, hit,
                                      arith::AndIOp::create(nb, l, low, high));
        }
        Value candidate =
            arith::SelectOp::create(nb, l, hit, k, cst(nb, l, acc, none));
        return arith::MinimumFOp::create(nb, l, acc, candidate);
      });
}

struct ReluGradLowering : OpRewritePattern<ReluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReluGradOp op,
                                PatternRewriter &rewriter) const override {
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        [](OpBuilder &b, Location loc, ValueRange a) -> Value {
          // PyTorch's threshold_backward: zero where x <= 0, dy elsewhere
          // (a NaN x passes dy on): "unordered or greater than".
          Value pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UGT,
                                            a[0], cst(b, loc, a[0], 0.0));
          return arith::SelectOp::create(b, loc, pos, a[1],
                                         cst(b, loc, a[1], 0.0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct GeluGradLowering : OpRewritePattern<GeluGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(GeluGradOp op,
                                PatternRewriter &rewriter) const override {
    bool useTanh = op.getApproximate() == GeluApproximation::tanh;
    Value r = buildElementwise(
        rewriter, op.getLoc(), resultTypeOf(op), op->getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange a) -> Value {
          Value x = a[0];
          auto c = [&](double v) { return cst(b, loc, x, v); };
          auto mul = [&](Value p, Value q) -> Value {
            return arith::MulFOp::create(b, loc, p, q);
          };
          auto add = [&](Value p, Value q) -> Value {
            return arith::AddFOp::create(b, loc, p, q);
          };
          Value d;
          if (useTanh) {
            // u = k (x + 0.044715 x^3); with s = sigmoid(2u), 1 + tanh(u)
            // = 2s and 1 - tanh(u)^2 = 4 s (1 - s), so
            // d = 0.5 (1 + t) + 0.5 x (1 - t^2) u' = s + 2 x s (1 - s) u'
            // with u' = k (1 + 3 * 0.044715 x^2): one expf, no tanhf.
            double k = kGeluSqrt2OverPi;
            Value x2 = mul(x, x);
            Value u = mul(c(k), add(x, mul(c(kGeluCubic), mul(x2, x))));
            Value s = arith::DivFOp::create(
                b, loc, c(1.0),
                add(c(1.0), math::ExpOp::create(b, loc, mul(c(-2.0), u))));
            Value oneMinusS = arith::SubFOp::create(b, loc, c(1.0), s);
            Value du = mul(c(k), add(c(1.0), mul(c(3 * kGeluCubic), x2)));
            d = add(s, mul(mul(c(2.0), x), mul(mul(s, oneMinusS), du)));
          } else {
            // Phi(x) + x phi(x), Phi(x) = erfc(-x / sqrt 2) / 2 (no
            // cancellation in the negative tail).
            // One statement per op: the IR's order does not depend on the
            // compiler's order of evaluating arguments.
            Value scaled = mul(x, c(-M_SQRT1_2));
            Value erfc = math::ErfcOp::create(b, loc, scaled);
            Value cdf = mul(c(0.5), erfc);
            Value x2 = mul(x, x);
            Value e = math::ExpOp::create(b, loc, mul(c(-0.5), x2));
            Value pdf = mul(c(1.0 / std::sqrt(2.0 * M_PI)), e);
            d = add(cdf, mul(x, pdf));
          }
          return mul(a[1], d);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// For input coordinate `h` and kernel offset `k`: the output coordinate
/// `o = (h + pad - k) / stride` when that divides evenly and lies in
/// [0, outSize). Returns (valid, clamped o).
std::pair<Value, Value> windowSource(OpBuilder &b, Location loc, Value h,
                                     Value k, int64_t pad, int64_t stride,
                                     int64_t outSize) {
  Value padded = arith::AddIOp::create(b, loc, h, index(b, loc, pad));
  Value t = arith::SubIOp::create(b, loc, padded, k);
  Value o = arith::DivSIOp::create(b, loc, t, index(b, loc, stride));
  Value rem = arith::RemSIOp::create(b, loc, t, index(b, loc, stride));
  auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
    return arith::CmpIOp::create(b, loc, p, x, y);
  };
  Value valid = arith::AndIOp::create(
      b, loc, cmp(arith::CmpIPredicate::sge, t, index(b, loc, 0)),
      arith::AndIOp::create(
          b, loc, cmp(arith::CmpIPredicate::eq, rem, index(b, loc, 0)),
          cmp(arith::CmpIPredicate::slt, o, index(b, loc, outSize))));
  Value clamped = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, o, index(b, loc, 0)),
      index(b, loc, outSize - 1));
  return {valid, clamped};
}

/// Where an input position (n, c, h, w) reads the gradient from: the output
/// position (oh, ow) of the window that holds it at offset (kh, kw), and
/// whether there is one.
struct WindowSource {
  Value valid, oh, ow, kh, kw;
};

/// For input coordinate `h` of windows that tile the input without overlap
/// (stride = kernel, no padding): the one window holding it, h / stride,
/// at offset h % stride; valid when that window exists (< outSize).
/// Returns (valid, clamped o, offset).
std::tuple<Value, Value, Value> disjointWindow(OpBuilder &b, Location loc,
                                               Value h, int64_t stride,
                                               int64_t outSize) {
  Value s = index(b, loc, stride);
  Value o = arith::DivUIOp::create(b, loc, h, s);
  Value k = arith::RemUIOp::create(b, loc, h, s);
  Value valid = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, o,
                                      index(b, loc, outSize));
  Value clamped = arith::MinUIOp::create(b, loc, o, index(b, loc, outSize - 1));
  return {valid, clamped, k};
}

/// Sums, for every position (n, c, h, w) of `type`, the terms `body`
/// returns for the `kernel` offsets of the windows (moved by `stride` over
/// an input padded by `pad`, `outHW` of them) that hold it; `body` reads
/// what it needs with tensor.extract at the source it is given. Windows
/// that tile the input without overlap (stride = kernel, no padding, the
/// usual pooling) hold each position once: one term per position, with
/// no loop over the kernel offsets (a quarter of the work for 2x2 pooling,
/// without its divisions by the stride at every offset).
Value gatherWindows(
    OpBuilder &b, Location loc, RankedTensorType type, ArrayRef<int64_t> kernel,
    ArrayRef<int64_t> stride, ArrayRef<int64_t> pad, ArrayRef<int64_t> outHW,
    function_ref<Value(OpBuilder &, Location, const WindowSource &)> body) {
  MLIRContext *ctx = b.getContext();
  if (kernel == stride && pad[0] == 0 && pad[1] == 0) {
    Type acc = computeType(type.getElementType());
    Value init = emptyTensor(b, loc, type.getShape(), acc);
    SmallVector<utils::IteratorType> iterators(4,
                                               utils::IteratorType::parallel);
    auto gather = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(4, ctx)},
        iterators, [&](OpBuilder &nb, Location l, ValueRange) {
          Value h = linalg::IndexOp::create(nb, l, 2);
          auto [vh, oh, kh] = disjointWindow(nb, l, h, stride[0], outHW[0]);
          Value w = linalg::IndexOp::create(nb, l, 3);
          auto [vw, ow, kw] = disjointWindow(nb, l, w, stride[1], outHW[1]);
          WindowSource source{arith::AndIOp::create(nb, l, vh, vw), oh, ow, kh,
                              kw};
          linalg::YieldOp::create(nb, l, body(nb, l, source));
        });
    return convertElements(b, loc, gather.getResult(0), type.getElementType());
  }
  // The window tensor only gives the kernel loops their extent.
  Value window =
      emptyTensor(b, loc, kernel, computeType(type.getElementType()));
  SmallVector<Value> all{window};
  SmallVector<AffineMap> maps{dimsMap(ctx, 6, {4, 5})};
  SmallVector<int64_t> iterShape(type.getShape());
  iterShape.append(kernel.begin(), kernel.end());
  SmallVector<bool> reduced{false, false, false, false, true, true};
  Value sum = buildReduction(
      b, loc, iterShape, all, maps, reduced, 0.0,
      [&](OpBuilder &nb, Location l, Value acc, ValueRange xs) -> Value {
        auto idx = [&](int64_t d) -> Value {
          return linalg::IndexOp::create(nb, l, d);
        };
        // Kernel offset first, then the coordinate (one statement each:
        // the IR's order does not depend on the compiler).
        Value kh = idx(4), h = idx(2);
        auto [vh, oh] = windowSource(nb, l, h, kh, pad[0], stride[0], outHW[0]);
        Value kw = idx(5), w = idx(3);
        auto [vw, ow] = windowSource(nb, l, w, kw, pad[1], stride[1], outHW[1]);
        WindowSource source{arith::AndIOp::create(nb, l, vh, vw), oh, ow, kh,
                            kw};
        Value term = body(nb, l, source);
        return arith::AddFOp::create(nb, l, acc, term);
      });
  return convertElements(b, loc, sum, type.getElementType());
}

/// dy [N, F, OH, OW] as the matrix [F, N*OH*OW] (columns in im2col order).
Value gradColumns(OpBuilder &b, Location loc, Value dy) {
  ArrayRef<int64_t> s = shapeOf(dy);
  Value t = swapLeadingDims(b, loc, dy);
  return reshapeTo(b, loc, t, withShape(t, {s[1], s[0] * s[2] * s[3]}));
}

/// [R, C] -> [C, R]; lp-fold-transpose-into-matmul turns it into a
/// transposed operand map of the product that reads it.
Value transpose2d(OpBuilder &b, Location loc, Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  Value init = emptyTensor(b, loc, {type.getDimSize(1), type.getDimSize(0)},
                           type.getElementType());
  return linalg::TransposeOp::create(b, loc, v, init,
                                     ArrayRef<int64_t>{1, 0})
      .getResult()[0];
}

/// dx = col2im(filter^T x dy): the product gives every window position's
/// gradient, [C*KH*KW, N*OH*OW]; each input position then sums the
/// (kh, kw) entries of the windows that contain it.
struct Conv2dGradInputLowering : OpRewritePattern<Conv2dGradInputOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dGradInputOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    Value dy = op.getGrad();
    ArrayRef<int64_t> dyShape = shapeOf(dy);
    ArrayRef<int64_t> fShape = shapeOf(op.getFilter());
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPadding();
    Value w = filterMatrix(rewriter, loc, op.getFilter());
    Value dyColumns = gradColumns(rewriter, loc, dy);
    Value wT = transpose2d(rewriter, loc, w);
    Value cols = buildMatmul(rewriter, loc, wT, dyColumns);
    cols = reshapeTo(rewriter, loc, cols,
                     withShape(cols, {fShape[1], fShape[2], fShape[3],
                                      dyShape[0], dyShape[2], dyShape[3]}));
    Value r = gatherWindows(
        rewriter, loc, type, fShape.drop_front(2), stride, pad,
        dyShape.drop_front(2),
        [&](OpBuilder &b, Location l, const WindowSource &src) -> Value {
          auto idx = [&](int64_t d) -> Value {
            return linalg::IndexOp::create(b, l, d);
          };
          Value g = toCompute(
              b, l,
              tensor::ExtractOp::create(
                  b, l, cols,
                  ValueRange{idx(1), src.kh, src.kw, idx(0), src.oh, src.ow}));
          return arith::SelectOp::create(b, l, src.valid, g, cst(b, l, g, 0.0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// dW = dy [F, N*OH*OW] x im2col(x)^T, one product.
struct Conv2dGradFilterLowering : OpRewritePattern<Conv2dGradFilterOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dGradFilterOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    ArrayRef<int64_t> wShape = type.getShape();
    ArrayRef<int64_t> dyShape = shapeOf(op.getGrad());
    Value x = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    Value cols = im2col(rewriter, loc, x, wShape.drop_front(2), op.getStride(),
                        dyShape.drop_front(2));
    Value colsT = transpose2d(rewriter, loc, cols);
    Value dyColumns = gradColumns(rewriter, loc, op.getGrad());
    Value acc = buildMatmul(rewriter, loc, dyColumns, colsT);
    acc = reshapeTo(rewriter, loc, acc, withShape(acc, wShape));
    rewriter.replaceOp(op, convertElements(rewriter, loc, acc,
                                           type.getElementType()));
    return success();
  }
};

template <typename PoolGrad>
struct PoolGradLowering : OpRewritePattern<PoolGrad> {
  using OpRewritePattern<PoolGrad>::OpRewritePattern;
  LogicalResult matchAndRewrite(PoolGrad op,
                                PatternRewriter &rewriter) const override {
    constexpr bool isMax = std::is_same_v<PoolGrad, MaxPool2dGradOp>;
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    Value dy = op.getGrad();
    ArrayRef<int64_t> dyShape = shapeOf(dy);
    ArrayRef<int64_t> kernel = op.getKernel(), pad = op.getPadding();
    SmallVector<int64_t, 2> stride = op.getStrideOrKernel();
    Value first;
    if constexpr (isMax) {
      // Each window's gradient goes to its first maximum (row-major), as in
      // PyTorch: recompute the forward maxima (padding never wins), then
      // the offset of the first position that reaches it.
      Value pooled = MaxPool2dOp::create(
          rewriter, loc, dy.getType(), op.getInput(), op.getKernelAttr(),
          op.getStrideAttr(), op.getPaddingAttr());
      first = firstMaximum(rewriter, loc, op.getInput(), pooled, kernel, stride,
                           pad);
    }
    double count = kernel[0] * kernel[1];
    Value r = gatherWindows(
        rewriter, loc, type, kernel, stride, pad, dyShape.drop_front(2),
        [&](OpBuilder &b, Location l, const WindowSource &src) -> Value {
          auto idx = [&](int64_t d) -> Value {
            return linalg::IndexOp::create(b, l, d);
          };
          Value valid = src.valid;
          ValueRange at{idx(0), idx(1), src.oh, src.ow};
          Value g = toCompute(b, l, tensor::ExtractOp::create(b, l, dy, at));
          Value term;
          if constexpr (isMax) {
            // This position's offset in the window is (kh, kw).
            Value offset = arith::AddIOp::create(
                b, l,
                arith::MulIOp::create(b, l, src.kh, index(b, l, kernel[1])),
                src.kw);
            Value f = tensor::ExtractOp::create(b, l, first, at);
            Value k = arith::UIToFPOp::create(
                b, l, f.getType(),
                arith::IndexCastOp::create(b, l, b.getI64Type(), offset));
            Value hit =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, k, f);
            valid = arith::AndIOp::create(b, l, valid, hit);
            term = g;
          } else {
            term = arith::DivFOp::create(b, l, g, cst(b, l, g, count));
          }
          return arith::SelectOp::create(b, l, valid, term,
                                         cst(b, l, term, 0.0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// The gradient of an embedding table is a scatter-add of the output
/// gradient's rows into the rows the indices name: an scf.for over the
/// indices adding one row per step (in place after bufferization), so the
/// cost is indices x width, not vocabulary x indices x width.
struct EmbeddingGradLowering : OpRewritePattern<EmbeddingGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(EmbeddingGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    RankedTensorType type = resultTypeOf(op);
    int64_t vocab = type.getDimSize(0), width = type.getDimSize(1);
    auto ids = cast<RankedTensorType>(op.getIndices().getType());
    int64_t count = ids.getNumElements();
    Type acc = computeType(type.getElementType());
    Type gradElement = getElementTypeOrSelf(op.getGrad().getType());
    Value flatIds = reshapeTo(
        rewriter, loc, op.getIndices(),
        RankedTensorType::get({count}, ids.getElementType()));
    Value rows = reshapeTo(rewriter, loc, op.getGrad(),
                           RankedTensorType::get({count, width}, gradElement));
    Value init = filledTensor(rewriter, loc, type.getShape(), acc, 0.0);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value end = arith::ConstantIndexOp::create(rewriter, loc, count);
    auto rowType = RankedTensorType::get({width}, acc);
    auto gradRowType = RankedTensorType::get({width}, gradElement);
    SmallVector<OpFoldResult> sizes{rewriter.getIndexAttr(1),
                                    rewriter.getIndexAttr(width)};
    SmallVector<OpFoldResult> strides(2, rewriter.getIndexAttr(1));
    auto loop = scf::ForOp::create(
        rewriter, loc, zero, end, one, ValueRange{init},
        [&](OpBuilder &b, Location l, Value i, ValueRange iter) {
          Value id = tensor::ExtractOp::create(b, l, flatIds, i);
          // Clamped like the forward lookup (lp-run rejects bad indices).
          Value row = clampedIndex(b, l, id, vocab);
          SmallVector<OpFoldResult> at{row, b.getIndexAttr(0)};
          SmallVector<OpFoldResult> from{i, b.getIndexAttr(0)};
          Value dst = tensor::ExtractSliceOp::create(b, l, rowType, iter[0],
                                                     at, sizes, strides);
          Value src = tensor::ExtractSliceOp::create(
              b, l, gradRowType, rows, from, sizes, strides);
          AffineMap id1 = identityMap(ctx, 1);
          auto add = linalg::GenericOp::create(
              b, l, TypeRange{rowType}, ValueRange{src}, ValueRange{dst},
              SmallVector<AffineMap>{id1, id1},
              SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
              [&](OpBuilder &bb, Location ll, ValueRange a) {
                Value sum =
                    arith::AddFOp::create(bb, ll, a[1], toCompute(bb, ll, a[0]));
                linalg::YieldOp::create(bb, ll, sum);
              });
          Value next = tensor::InsertSliceOp::create(
              b, l, add.getResult(0), iter[0], at, sizes, strides);
          scf::YieldOp::create(b, l, next);
        });
    rewriter.replaceOp(op, convertElements(rewriter, loc, loop.getResult(0),
                                           type.getElementType()));
    return success();
  }
};

struct CrossEntropyGradLowering : OpRewritePattern<CrossEntropyGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(CrossEntropyGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value logits = op.getLogits();
    ArrayRef<int64_t> shape = shapeOf(logits);
    SmallVector<bool> overClasses{false, true};
    AffineMap id = identityMap(ctx, 2), rows = keptDimsMap(ctx, overClasses);
    auto [m, s] = maxAndSumShiftedExp(rewriter, loc, logits, overClasses);
    double n = shape[0];
    Value r = buildMapped(
        rewriter, loc, resultTypeOf(op),
        ValueRange{logits, m, s, op.getLabels(), op.getGrad()},
        {id, rows, rows, rows, AffineMap::get(2, 0, {}, ctx)},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value p = arith::DivFOp::create(
              b, l,
              math::ExpOp::create(b, l,
                                  arith::SubFOp::create(b, l, a[0], a[1])),
              a[2]);
          Value label = arith::IndexCastOp::create(b, l, b.getIndexType(),
                                                   a[3]);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            label,
                                            linalg::IndexOp::create(b, l, 1));
          Value onehot = arith::SelectOp::create(b, l, hit, cst(b, l, p, 1.0),
                                                 cst(b, l, p, 0.0));
          Value diff = arith::SubFOp::create(b, l, p, onehot);
          Value scale = arith::DivFOp::create(b, l, a[4], cst(b, l, p, n));
          return arith::MulFOp::create(b, l, diff, scale);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// The gradient of a maximum is split evenly among the positions that
/// reach it (as torch.amax and JAX do): dx = dy / count where x is the
/// maximum (a NaN counts as the maximum), 0 elsewhere.
struct ReduceMaxGradLowering : OpRewritePattern<ReduceMaxGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ReduceMaxGradOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = getContext();
    Value x = op.getInput();
    ArrayRef<int64_t> shape = shapeOf(x);
    int64_t rank = shape.size();
    SmallVector<bool> reduced = flagAxes(op.getAxes(), rank);
    AffineMap id = identityMap(ctx, rank), kept = keptDimsMap(ctx, reduced);
    Value m = reduceOne(rewriter, loc, x, reduced, kNegInf, maxCombine);
    Value count = buildReduction(
        rewriter, loc, shape, ValueRange{x, m}, {id, kept}, reduced, 0.0,
        [](OpBuilder &b, Location l, Value acc, ValueRange xs) -> Value {
          Value one =
              arith::SelectOp::create(b, l, isMaximum(b, l, xs[0], xs[1]),
                                      cst(b, l, acc, 1.0), cst(b, l, acc, 0.0));
          return arith::AddFOp::create(b, l, acc, one);
        });
    Value dy = op.getGrad();
    AffineMap dyMap = int64_t(shapeOf(dy).size()) == rank
                          ? broadcastMap(ctx, shapeOf(dy), shape)
                          : kept;
    Value r = buildMapped(rewriter, loc, resultTypeOf(op),
                          ValueRange{x, m, count, dy}, {id, kept, kept, dyMap},
                          [](OpBuilder &b, Location l, ValueRange a) -> Value {
                            Value share = arith::DivFOp::create(
                                b, l, a[3], toType(b, l, a[2], a[3].getType()));
                            return arith::SelectOp::create(
                                b, l, isMaximum(b, l, a[0], a[1]), share,
                                cst(b, l, a[3], 0.0));
                          });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void lp::populateLPGradientToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReluGradLowering, GeluGradLowering, Conv2dGradInputLowering,
               Conv2dGradFilterLowering, PoolGradLowering<MaxPool2dGradOp>,
               PoolGradLowering<AvgPool2dGradOp>, EmbeddingGradLowering,
               CrossEntropyGradLowering, ReduceMaxGradLowering>(
      patterns.getContext());
}
