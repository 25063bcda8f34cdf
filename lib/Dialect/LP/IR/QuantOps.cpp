//===- QuantOps.cpp - fake quantization: verifiers and gradient -----------===//

#include "VerifyUtils.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

/// The checks lp.fake_quant and lp.fake_quant_grad share: an integer range
/// of 2 to 8 bits, scale and zero point per tensor (rank 0) or per channel
/// (`[C]` along `axis`), and a constant scale that is positive.
LogicalResult lp::detail::verifyQuantRange(Operation *op, int64_t qmin,
                                           int64_t qmax) {
  bool fitsSigned = qmin >= -128 && qmax <= 127;
  bool fitsUnsigned = qmin >= 0 && qmax <= 255;
  if (qmin >= qmax || qmax - qmin < 2 || !(fitsSigned || fitsUnsigned))
    return op->emitOpError("quantization range [")
           << qmin << ", " << qmax
           << "] is not that of a signed or unsigned integer of 2 to 8 bits "
              "(e.g. [-128, 127], [-127, 127], [0, 255], [-8, 7])";
  return success();
}

LogicalResult lp::detail::verifyQuantOperands(Operation *op, Value inputValue,
                                              Value scaleValue, Value zeroPoint,
                                              int64_t qmin, int64_t qmax,
                                              std::optional<int64_t> axis) {
  if (failed(verifyQuantRange(op, qmin, qmax)))
    return failure();
  RankedTensorType input = rankedType(inputValue);
  RankedTensorType scale = rankedType(scaleValue);
  if (scale != rankedType(zeroPoint))
    return op->emitOpError("scale ")
           << shapeString(scale.getShape()) << " and zero point "
           << shapeString(rankedType(zeroPoint).getShape())
           << " differ in shape";
  if (axis) {
    if (*axis < 0 || *axis >= input.getRank())
      return op->emitOpError("axis ")
             << *axis << " is out of range for an input of rank "
             << input.getRank();
    if (scale.getRank() != 1 || scale.getDimSize(0) != input.getDimSize(*axis))
      return op->emitOpError("per-channel scale must be [")
             << input.getDimSize(*axis) << "] (dimension " << *axis
             << " of the input " << shapeString(input.getShape()) << "), got "
             << shapeString(scale.getShape());
  } else if (scale.getRank() != 0) {
    return op->emitOpError("scale ")
           << shapeString(scale.getShape())
           << " needs `axis` (per channel) or rank 0 (per tensor)";
  }
  DenseFPElementsAttr constant;
  if (matchPattern(scaleValue, m_Constant(&constant)))
    for (APFloat s : constant.getValues<APFloat>())
      if (!(s.convertToDouble() > 0.0))
        return op->emitOpError("scale must be positive, got ")
               << s.convertToDouble();
  return success();
}

/// verifyQuantOperands of a quantization op's own operands.
template <typename Op> static LogicalResult verifyFakeQuant(Op op) {
  return verifyQuantOperands(op, op.getInput(), op.getScale(),
                             op.getZeroPoint(), op.getQuantMinAttr().getInt(),
                             op.getQuantMaxAttr().getInt(),
                             op.getChannelAxis());
}

LogicalResult FakeQuantOp::verify() { return verifyFakeQuant(*this); }

LogicalResult FakeQuantGradOp::verify() { return verifyFakeQuant(*this); }

LogicalResult FakeQuantRangeGradOp::verify() { return verifyFakeQuant(*this); }

LogicalResult FakeQuantOp::buildVjp(OpBuilder &b, ValueRange dy,
                                    SmallVectorImpl<Value> &grads) {
  // The straight-through estimator; the range learns only when asked.
  Location loc = getLoc();
  Value dx = FakeQuantGradOp::create(b, loc, getType(), getInput(), getScale(),
                                     getZeroPoint(), dy[0], getQuantMinAttr(),
                                     getQuantMaxAttr(), getAxisAttr());
  grads.assign({dx, Value(), Value()});
  if (!getLearnable())
    return success();
  // Summed over every dimension but the channel axis.
  auto scaleType = cast<RankedTensorType>(getScale().getType());
  SmallVector<int64_t> axes;
  for (int64_t d = 0, e = getType().getRank(); d < e; ++d)
    if (d != getChannelAxis())
      axes.push_back(d);
  for (bool zeroPoint : {false, true}) {
    Value perElement = FakeQuantRangeGradOp::create(
        b, loc, getType(), getInput(), getScale(), getZeroPoint(), dy[0],
        getQuantMinAttr(), getQuantMaxAttr(), getAxisAttr(),
        zeroPoint ? b.getUnitAttr() : UnitAttr(), getGradFactorAttr());
    grads[zeroPoint ? 2 : 1] =
        ReduceSumOp::create(b, loc, scaleType, perElement,
                            b.getDenseI64ArrayAttr(axes), b.getBoolAttr(false));
  }
  return success();
}
