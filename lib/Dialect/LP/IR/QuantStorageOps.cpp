//===- QuantStorageOps.cpp - integer codes: verifiers ---------------------===//

#include "VerifyUtils.h"
#include "lp/Dialect/LP/IR/LPOps.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

/// Codes are stored as i8: the range must be a signed one (int8, int4,
/// narrow ranges), not [0, 255].
template <typename Op> static LogicalResult verifyCodes(Op op) {
  int64_t qmin = op.getQuantMinAttr().getInt();
  int64_t qmax = op.getQuantMaxAttr().getInt();
  if (failed(verifyQuantOperands(op, op.getInput(), op.getScale(),
                                 op.getZeroPoint(), qmin, qmax,
                                 op.getChannelAxis())))
    return failure();
  if (qmin < -128 || qmax > 127)
    return op.emitOpError("codes are i8: the range [")
           << qmin << ", " << qmax << "] must lie within [-128, 127]";
  if (rankedType(op.getInput()).getShape() !=
      rankedType(op.getResult()).getShape())
    return op.emitOpError("input ")
           << shapeString(rankedType(op.getInput()).getShape())
           << " and result "
           << shapeString(rankedType(op.getResult()).getShape())
           << " differ in shape";
  return success();
}

LogicalResult QuantizeOp::verify() { return verifyCodes(*this); }

LogicalResult DequantizeOp::verify() { return verifyCodes(*this); }

/// `[ceil(n / 2)]` bytes hold the n codes of `codes`.
static LogicalResult verifyPacked(Operation *op, RankedTensorType codes,
                                  RankedTensorType packed) {
  int64_t n = codes.getNumElements();
  if (packed.getRank() != 1 || packed.getDimSize(0) != (n + 1) / 2)
    return op->emitOpError("packs ")
           << n << " int4 codes into [" << (n + 1) / 2 << "] bytes, not "
           << shapeString(packed.getShape());
  return success();
}

LogicalResult PackInt4Op::verify() {
  return verifyPacked(*this, rankedType(getInput()), rankedType(getResult()));
}

LogicalResult UnpackInt4Op::verify() {
  return verifyPacked(*this, rankedType(getResult()), rankedType(getInput()));
}
