//===- ElementwiseVjp.cpp - gradient rules of pointwise and shape ops -----===//

#include "VjpBuilders.h"

using namespace mlir;
using namespace lp;
using namespace lp::vjp;

static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

//===----------------------------------------------------------------------===//
// Binary
//===----------------------------------------------------------------------===//

LogicalResult AddOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  grads.assign({sumToShape(b, getLoc(), dy[0], shapeOf(getLhs())),
           sumToShape(b, getLoc(), dy[0], shapeOf(getRhs()))});
  return success();
}

LogicalResult SubOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  grads.assign({sumToShape(b, loc, dy[0], shapeOf(getLhs())),
           sumToShape(b, loc, scale(b, loc, dy[0], -1.0), shapeOf(getRhs()))});
  return success();
}

LogicalResult MulOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  grads.assign({
      sumToShape(b, loc, binary<MulOp>(b, loc, dy[0], getRhs()),
                 shapeOf(getLhs())),
      sumToShape(b, loc, binary<MulOp>(b, loc, dy[0], getLhs()),
                 shapeOf(getRhs()))});
  return success();
}

LogicalResult DivOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // d/da = dy / b;  d/db = -dy * (a / b) / b.
  Value da = binary<DivOp>(b, loc, dy[0], getRhs());
  Value db = scale(b, loc,
                   binary<DivOp>(b, loc,
                                 binary<MulOp>(b, loc, dy[0], getResult()),
                                 getRhs()),
                   -1.0);
  grads.assign({sumToShape(b, loc, da, shapeOf(getLhs())),
           sumToShape(b, loc, db, shapeOf(getRhs()))});
  return success();
}

//===----------------------------------------------------------------------===//
// Unary
//===----------------------------------------------------------------------===//

LogicalResult ReluOp::buildVjp(OpBuilder &b, ValueRange dy,
                               SmallVectorImpl<Value> &grads) {
  // relu(x) > 0 exactly where x > 0 (NaN and -0 included), so the mask is
  // taken from the result, as PyTorch does: the pre-activation then need
  // not live until the backward pass, and a product's bias and ReLU can
  // run as one library call (lp-linalg-to-blas's epilogues).
  grads.assign(
      {ReluGradOp::create(b, getLoc(), getType(), getResult(), dy[0])});
  return success();
}

LogicalResult GeluOp::buildVjp(OpBuilder &b, ValueRange dy,
                               SmallVectorImpl<Value> &grads) {
  grads.assign({GeluGradOp::create(b, getLoc(), getType(), getInput(), dy[0],
                              getApproximateAttr())});
  return success();
}

LogicalResult TanhOp::buildVjp(OpBuilder &b, ValueRange dy,
                               SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // dy * (1 - y^2)
  Value y = getResult();
  Value one = scalar(b, loc, elementType(y), 1.0);
  Value d = binary<SubOp>(b, loc, one, binary<MulOp>(b, loc, y, y));
  grads.assign({binary<MulOp>(b, loc, dy[0], d)});
  return success();
}

LogicalResult SigmoidOp::buildVjp(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // dy * y * (1 - y)
  Value y = getResult();
  Value one = scalar(b, loc, elementType(y), 1.0);
  Value d = binary<MulOp>(b, loc, y, binary<SubOp>(b, loc, one, y));
  grads.assign({binary<MulOp>(b, loc, dy[0], d)});
  return success();
}

LogicalResult ExpOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  grads.assign({binary<MulOp>(b, getLoc(), dy[0], getResult())});
  return success();
}

LogicalResult LogOp::buildVjp(OpBuilder &b, ValueRange dy,
                              SmallVectorImpl<Value> &grads) {
  grads.assign({binary<DivOp>(b, getLoc(), dy[0], getInput())});
  return success();
}

LogicalResult SqrtOp::buildVjp(OpBuilder &b, ValueRange dy,
                               SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // dy * 0.5 / y
  grads.assign({scale(b, loc, binary<DivOp>(b, loc, dy[0], getResult()), 0.5)});
  return success();
}

LogicalResult CastOp::buildVjp(OpBuilder &b, ValueRange dy,
                               SmallVectorImpl<Value> &grads) {
  // The gradient goes back to the input's precision, nearest even.
  grads.assign({CastOp::create(b, getLoc(), getInput().getType(), dy[0],
                          RoundingMode::nearest_even)});
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::buildVjp(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // y * (dy - sum(dy * y, axis))
  Value y = getResult();
  int64_t axis = static_cast<int64_t>(getAxis());
  Value s = sumKeep(b, loc, binary<MulOp>(b, loc, dy[0], y), {axis});
  grads.assign({binary<MulOp>(b, loc, y, binary<SubOp>(b, loc, dy[0], s))});
  return success();
}

LogicalResult LogSoftmaxOp::buildVjp(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // dy - exp(y) * sum(dy, axis)
  int64_t axis = static_cast<int64_t>(getAxis());
  Value p = ExpOp::create(b, loc, getType(), getResult());
  Value s = sumKeep(b, loc, dy[0], {axis});
  grads.assign({binary<SubOp>(b, loc, dy[0], binary<MulOp>(b, loc, p, s))});
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

/// dy of a reduction, reshaped to keepdims and broadcast to the input.
static Value spreadBack(OpBuilder &b, Location loc, Value dy, Value input,
                        ArrayRef<int64_t> axes) {
  auto keep = keepdimsShape(shapeOf(input), axes);
  return broadcast(b, loc, reshape(b, loc, dy, keep), shapeOf(input));
}

LogicalResult ReduceSumOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({spreadBack(b, getLoc(), dy[0], getInput(), getAxes())});
  return success();
}

LogicalResult ReduceMeanOp::buildVjp(OpBuilder &b, ValueRange dy,
                                     SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  double n = double(cast<RankedTensorType>(getInput().getType())
                        .getNumElements()) /
             double(cast<RankedTensorType>(getType()).getNumElements());
  grads.assign({scale(b, loc, spreadBack(b, loc, dy[0], getInput(), getAxes()),
                 1.0 / n)});
  return success();
}

LogicalResult ReduceMaxOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({ReduceMaxGradOp::create(b, getLoc(), getInput().getType(),
                                   getInput(), dy[0], getAxesAttr())});
  return success();
}

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::buildVjp(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &grads) {
  grads.assign({reshape(b, getLoc(), dy[0], shapeOf(getInput()))});
  return success();
}

LogicalResult TransposeOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  grads.assign({TransposeOp::create(b, getLoc(), getInput().getType(), dy[0],
                               b.getDenseI64ArrayAttr(inverse))});
  return success();
}

LogicalResult BroadcastOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({sumToShape(b, getLoc(), dy[0], shapeOf(getInput()))});
  return success();
}

LogicalResult EmbeddingOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  grads.assign({Value(), EmbeddingGradOp::create(b, getLoc(), getTable().getType(),
                                            getIndices(), dy[0])});
  return success();
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult CrossEntropyOp::buildVjp(OpBuilder &b, ValueRange dy,
                                       SmallVectorImpl<Value> &grads) {
  grads.assign({CrossEntropyGradOp::create(b, getLoc(), getLogits().getType(),
                                      getLogits(), getLabels(), dy[0]),
           Value()});
  return success();
}

LogicalResult MseLossOp::buildVjp(OpBuilder &b, ValueRange dy,
                                  SmallVectorImpl<Value> &grads) {
  Location loc = getLoc();
  // d/dp = dy * 2 (p - t) / n; d/dt = -d/dp.
  double n = cast<RankedTensorType>(getPrediction().getType())
                 .getNumElements();
  Value diff = binary<SubOp>(b, loc, getPrediction(), getTarget());
  Value dp = binary<MulOp>(b, loc, scale(b, loc, diff, 2.0 / n), dy[0]);
  grads.assign({dp, scale(b, loc, dp, -1.0)});
  return success();
}
