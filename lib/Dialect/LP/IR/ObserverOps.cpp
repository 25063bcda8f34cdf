//===- ObserverOps.cpp - observers, qparams and select: verifiers ---------===//

#include "VerifyUtils.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

/// A range (observer state, qparams) holds one value per tensor (rank 0)
/// or one per channel (rank 1).
static LogicalResult verifyRangeShape(Operation *op, Value v) {
  if (rankedType(v).getRank() > 1)
    return op->emitOpError("ranges are per tensor (rank 0) or per channel "
                           "(rank 1), got ")
           << shapeString(rankedType(v).getShape());
  return success();
}

LogicalResult AminmaxOp::verify() {
  RankedTensorType input = rankedType(getInput());
  RankedTensorType result = rankedType(getMin());
  if (std::optional<uint64_t> axis = getAxis()) {
    int64_t a = static_cast<int64_t>(*axis);
    if (a < 0 || a >= input.getRank())
      return emitOpError("axis ")
             << a << " is out of range for an input of rank "
             << input.getRank();
    if (result.getRank() != 1 || result.getDimSize(0) != input.getDimSize(a))
      return emitOpError("per-channel results must be [")
             << input.getDimSize(a) << "] (dimension " << a << " of the input "
             << shapeString(input.getShape()) << "), got "
             << shapeString(result.getShape());
    return success();
  }
  if (result.getRank() != 0)
    return emitOpError("results ")
           << shapeString(result.getShape())
           << " need `axis` (per channel) or rank 0 (per tensor)";
  return success();
}

LogicalResult ObserveOp::verify() {
  if (failed(verifyRangeShape(*this, getMin())))
    return failure();
  if (std::optional<APFloat> c = getAveragingConstant()) {
    double v = c->convertToDouble();
    if (!(v > 0.0 && v <= 1.0))
      return emitOpError("averaging_constant must be in (0, 1], got ") << v;
  }
  return success();
}

LogicalResult QuantParamsOp::verify() {
  if (failed(verifyRangeShape(*this, getMin())))
    return failure();
  return verifyQuantRange(*this, getQuantMinAttr().getInt(),
                          getQuantMaxAttr().getInt());
}

LogicalResult SelectOp::verify() {
  RankedTensorType cond = rankedType(getCondition());
  RankedTensorType value = rankedType(getTrueValue());
  if (cond.getRank() != 0 && cond.getShape() != value.getShape())
    return emitOpError("condition ")
           << shapeString(cond.getShape())
           << " must be rank 0 or have the values' shape "
           << shapeString(value.getShape());
  return success();
}

LogicalResult SelectOp::buildVjp(OpBuilder &b, ValueRange dy,
                                 SmallVectorImpl<Value> &grads) {
  // Each value gets the gradient where it was chosen.
  Location loc = getLoc();
  auto type = cast<RankedTensorType>(getType());
  Value zero = arith::ConstantOp::create(
      b, loc, type,
      DenseElementsAttr::get(type, b.getFloatAttr(type.getElementType(), 0.0)));
  Value dTrue = SelectOp::create(b, loc, type, getCondition(), dy[0], zero);
  Value dFalse = SelectOp::create(b, loc, type, getCondition(), zero, dy[0]);
  grads.assign({Value(), dTrue, dFalse});
  return success();
}

LogicalResult StopGradientOp::verify() { return success(); }

LogicalResult StopGradientOp::buildVjp(OpBuilder &, ValueRange,
                                       SmallVectorImpl<Value> &grads) {
  grads.assign({Value()});
  return success();
}
