//===- ContractionPatterns.cpp - linear/matmul/conv/pool to linalg --------===//
//
// Contractions map onto linalg named ops (so later tiling and vectorization
// see them as such) with an f32 accumulator; bias and the final rounding to
// the result type form one elementwise op.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

struct LinearLowering : OpRewritePattern<LinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    int64_t k = xType.getShape().back();
    int64_t m = xType.getNumElements() / std::max<int64_t>(k, 1);
    int64_t n = type.getShape().back();
    Value x = reshapeTo(rewriter, loc, op.getInput(),
                        withShape(op.getInput(), {m, k}));
    Value acc = buildMatmul(rewriter, loc, x, op.getWeight());
    auto flatType = RankedTensorType::get({m, n}, type.getElementType());
    Value y = finishContraction(rewriter, loc, acc, op.getBias(), 1, flatType);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, y, type));
    return success();
  }
};

struct MatmulLowering : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    Value lhs = op.getLhs(), rhs = op.getRhs();
    auto lt = cast<RankedTensorType>(lhs.getType());
    auto rt = cast<RankedTensorType>(rhs.getType());
    if (lt.getRank() == 4) {
      // Fold the two batch dimensions into one.
      int64_t batch = lt.getDimSize(0) * lt.getDimSize(1);
      lhs = reshapeTo(rewriter, loc, lhs,
                      withShape(lhs, {batch, lt.getDimSize(2),
                                      lt.getDimSize(3)}));
      rhs = reshapeTo(rewriter, loc, rhs,
                      withShape(rhs, {batch, rt.getDimSize(2),
                                      rt.getDimSize(3)}));
    }
    Value acc = buildMatmul(rewriter, loc, lhs, rhs);
    Value y = convertElements(rewriter, loc, acc, type.getElementType());
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, y, type));
    return success();
  }
};


SmallVector<NamedAttribute> windowAttrs(OpBuilder &b,
                                        ArrayRef<int64_t> stride) {
  return {b.getNamedAttr("strides", b.getI64TensorAttr(stride)),
          b.getNamedAttr("dilations", b.getI64TensorAttr({1, 1}))};
}

/// conv2d as a GEMM: filter[F, C*KH*KW] x im2col(x)[C*KH*KW, N*OH*OW], so
/// that it runs as a matmul (OpenBLAS, or lp-vectorize-matmul's tiles)
/// instead of a 7-deep loop nest; the product's [F, N, OH, OW] layout is
/// swapped to NCHW with the bias add.
struct Conv2dLowering : OpRewritePattern<Conv2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(Conv2dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    ArrayRef<int64_t> fShape = shapeOf(op.getFilter());
    ArrayRef<int64_t> yShape = type.getShape();
    Value x = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    Value cols = im2col(rewriter, loc, x, fShape.drop_front(2), op.getStride(),
                        yShape.drop_front(2));
    Value acc = buildMatmul(rewriter, loc,
                            filterMatrix(rewriter, loc, op.getFilter()), cols);
    acc = reshapeTo(rewriter, loc, acc,
                    withShape(acc, {yShape[1], yShape[0], yShape[2], yShape[3]}));
    acc = swapLeadingDims(rewriter, loc, acc);
    rewriter.replaceOp(op, finishContraction(rewriter, loc, acc, op.getBias(),
                                             1, type));
    return success();
  }
};

struct MaxPool2dLowering : OpRewritePattern<MaxPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaxPool2dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    double ninf = -std::numeric_limits<double>::infinity();
    Value x = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), ninf);
    // bf16/f16 windows are compared in f32 (each value widened once as it
    // is read; the maximum is one of them, so rounding it back is exact):
    // a 16-bit maximum costs a widening of both operands and a rounding
    // per comparison once lowered (arith-expand).
    Type acc = computeType(type.getElementType());
    Value window = emptyTensor(rewriter, loc, op.getKernel(), acc);
    Value init = filledTensor(rewriter, loc, type.getShape(), acc, ninf);
    auto pool = linalg::PoolingNchwMaxOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{x, window},
        ValueRange{init}, windowAttrs(rewriter, op.getStrideOrKernel()));
    rewriter.replaceOp(op, convertElements(rewriter, loc, pool.getResult(0),
                                           type.getElementType()));
    return success();
  }
};

struct AvgPool2dLowering : OpRewritePattern<AvgPool2dOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AvgPool2dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = resultTypeOf(op);
    Value x = padSpatial(rewriter, loc, op.getInput(), op.getPadding(), 0.0);
    Value window = emptyTensor(rewriter, loc, op.getKernel(),
                               computeType(type.getElementType()));
    Type accElem = computeType(type.getElementType());
    Value init = filledTensor(rewriter, loc, type.getShape(), accElem, 0);
    auto accType = RankedTensorType::get(type.getShape(), accElem);
    Value sum = linalg::PoolingNchwSumOp::create(
                    rewriter, loc, TypeRange{accType}, ValueRange{x, window},
                    ValueRange{init},
                    windowAttrs(rewriter, op.getStrideOrKernel()))
                    .getResult(0);
    double count = op.getKernel()[0] * op.getKernel()[1];
    Value r = buildElementwise(
        rewriter, loc, type, sum,
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::DivFOp::create(
              b, l, a[0], cst(b, l, a[0], count));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

void lp::populateLPContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearLowering, MatmulLowering, Conv2dLowering,
               MaxPool2dLowering, AvgPool2dLowering>(patterns.getContext());
}
