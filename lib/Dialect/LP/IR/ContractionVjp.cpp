//===- ContractionVjp.cpp - gradient rules of linear algebra, conv, norm --===//

#include "VjpBuilders.h"

using namespace mlir;
using namespace lp;
using namespace lp::vjp;

static RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static Value matmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  SmallVector<int64_t> shape(typeOf(lhs).getShape().drop_back());
  shape.push_back(typeOf(rhs).getShape().back());
  return MatmulOp::create(
      b, loc, RankedTensorType::get(shape, elementType(lhs)), lhs, rhs);
}

/// `dy` in the element type of `like`: the gradient of a contraction's f32
/// result (lowp-result=f32) flows into its f16/bf16 operands' products.
static Value operandTyped(OpBuilder &b, Location loc, Value dy, Value like) {
  if (elementType(dy) == elementType(like))
    return dy;
  return CastOp::create(
      b, loc, RankedTensorType::get(typeOf(dy).getShape(), elementType(like)),
      dy, RoundingMode::nearest_even);
}

LogicalResult LinearOp::buildVjp(OpBuilder &b, ValueRange dys,
                                 SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value dy[] = {operandTyped(b, loc, dys[0], getInput())};
  auto x = typeOf(getInput());
  int64_t k = x.getShape().back();
  int64_t n = typeOf(getWeight()).getDimSize(1);
  int64_t m = x.getNumElements() / k;
  Value x2 = reshape(b, loc, getInput(), {m, k});
  Value dy2 = reshape(b, loc, dy[0], {m, n});
  Value dx = reshape(b, loc,
                     matmul(b, loc, dy2, transposeLast2(b, loc, getWeight())),
                     x.getShape());
  Value dw = matmul(b, loc, transposeLast2(b, loc, x2), dy2);
  grads.assign({dx, dw});
  if (getBias())
    grads.push_back(ReduceSumOp::create(b, loc, getBias().getType(), dy2,
                                        b.getDenseI64ArrayAttr({0}),
                                        b.getBoolAttr(false)));
  return success();
}

LogicalResult MatmulOp::buildVjp(OpBuilder &b, ValueRange dys,
                                 SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value dy[] = {operandTyped(b, loc, dys[0], getLhs())};
  grads.assign({matmul(b, loc, dy[0], transposeLast2(b, loc, getRhs())),
           matmul(b, loc, transposeLast2(b, loc, getLhs()), dy[0])});
  return success();
}

LogicalResult Conv2dOp::buildVjp(OpBuilder &b, ValueRange dys,
                                 SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value dy[] = {operandTyped(b, loc, dys[0], getInput())};
  grads.assign({Conv2dGradInputOp::create(b, loc, getInput().getType(), dy[0],
                                     getFilter(), getStrideAttr(),
                                     getPaddingAttr()),
           Conv2dGradFilterOp::create(b, loc, getFilter().getType(),
                                      getInput(), dy[0], getStrideAttr(),
                                      getPaddingAttr())});
  if (getBias())
    grads.push_back(ReduceSumOp::create(b, loc, getBias().getType(), dy[0],
                                        b.getDenseI64ArrayAttr({0, 2, 3}),
                                        b.getBoolAttr(false)));
  return success();
}

LogicalResult MaxPool2dOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({MaxPool2dGradOp::create(b, getLoc(), getInput().getType(),
                                   getInput(), dy[0], getKernelAttr(),
                                   getStrideAttr(), getPaddingAttr())});
  return success();
}

LogicalResult AvgPool2dOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({AvgPool2dGradOp::create(b, getLoc(), getInput().getType(), dy[0],
                                   getKernelAttr(), getStrideAttr(),
                                   getPaddingAttr())});
  return success();
}

/// lp.reduce_mean over `axes` with keepdims.
static Value meanKeep(OpBuilder &b, Location loc, Value x,
                      ArrayRef<int64_t> axes) {
  auto shape = keepdimsShape(typeOf(x).getShape(), axes);
  return ReduceMeanOp::create(b, loc,
                              RankedTensorType::get(shape, elementType(x)), x,
                              b.getDenseI64ArrayAttr(axes),
                              b.getBoolAttr(true));
}

LogicalResult LayerNormOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  Value x = getInput();
  int64_t rank = typeOf(x).getRank();
  int64_t axis = static_cast<int64_t>(getAxis());
  axis = axis < 0 ? axis + rank : axis;
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < rank; ++i)
    axes.push_back(i);
  Type elem = elementType(x);
  // Recompute the normalised input: xhat = (x - mean) * rstd, with the
  // mean corrected as in the forward lowering (x - m0, less its own mean:
  // exactly 0 for a constant row).
  Value xc0 = binary<SubOp>(b, loc, x, meanKeep(b, loc, x, axes));
  Value xc = binary<SubOp>(b, loc, xc0, meanKeep(b, loc, xc0, axes));
  Value var = meanKeep(b, loc, binary<MulOp>(b, loc, xc, xc), axes);
  Value eps = scalar(b, loc, elem, getEpsilon().convertToDouble());
  Value stdev = SqrtOp::create(b, loc, var.getType(),
                               binary<AddOp>(b, loc, var, eps));
  Value rstd = binary<DivOp>(b, loc, scalar(b, loc, elem, 1.0), stdev);
  Value xhat = binary<MulOp>(b, loc, xc, rstd);
  ArrayRef<int64_t> paramShape = typeOf(getGamma()).getShape();
  Value dgamma =
      sumToShape(b, loc, binary<MulOp>(b, loc, dy[0], xhat), paramShape);
  Value dbeta = sumToShape(b, loc, dy[0], paramShape);
  // dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat))
  Value dxhat = binary<MulOp>(b, loc, dy[0], getGamma());
  Value m1 = meanKeep(b, loc, dxhat, axes);
  Value m2 = meanKeep(b, loc, binary<MulOp>(b, loc, dxhat, xhat), axes);
  Value inner = binary<SubOp>(b, loc, binary<SubOp>(b, loc, dxhat, m1),
                              binary<MulOp>(b, loc, xhat, m2));
  grads.assign({binary<MulOp>(b, loc, rstd, inner), dgamma, dbeta});
  return success();
}
