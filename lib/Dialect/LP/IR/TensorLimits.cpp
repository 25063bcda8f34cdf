//===- TensorLimits.cpp - the largest tensors lp ops take -----------------===//

#include "lp/Dialect/LP/IR/TensorLimits.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;

std::optional<int64_t> lp::tensorBytes(ShapedType type) {
  unsigned bits = type.getElementType().isIntOrFloat()
                      ? type.getElementType().getIntOrFloatBitWidth()
                      : 64;
  int64_t bytes = std::max<int64_t>(1, (bits + 7) / 8);
  for (int64_t d : type.getShape()) {
    if (d < 0) // dynamic: other verifiers report it
      return 0;
    if (llvm::MulOverflow(bytes, d, bytes))
      return std::nullopt;
  }
  return bytes;
}

LogicalResult lp::verifyTensorSizes(Operation *op) {
  for (Type t :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto shaped = dyn_cast<RankedTensorType>(t);
    if (!shaped)
      continue;
    std::optional<int64_t> bytes = tensorBytes(shaped);
    if (!bytes)
      return op->emitOpError() << "tensor " << shaped
                               << " is too large: its byte size overflows "
                                  "64-bit integers";
    if (*bytes > kMaxTensorBytes)
      return op->emitOpError()
             << "tensor " << shaped << " has " << *bytes
             << " bytes, more than LP's limit of 2^40 (1 TiB)";
  }
  return success();
}
