//===- VerifyUtils.cpp - checks shared by the lp op verifiers -------------===//

#include "VerifyUtils.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace lp::detail {

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

std::optional<int64_t> paddedExtent(int64_t in, int64_t padding) {
  int64_t twice, sum;
  if (llvm::MulOverflow(padding, int64_t(2), twice) ||
      llvm::AddOverflow(in, twice, sum))
    return std::nullopt;
  return sum;
}

LogicalResult verifyStatic(Operation *op) {
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto rt = dyn_cast<RankedTensorType>(t); rt && !rt.hasStaticShape())
      return op->emitOpError() << "requires static shapes, got " << rt;
  // As the ops' type constraints (LP_TensorOf): no zero-size dimensions,
  // rank 8 or less.
  for (Type t : llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes()))
    if (auto rt = dyn_cast<RankedTensorType>(t);
        rt && (llvm::is_contained(rt.getShape(), 0) || rt.getRank() > 8))
      return op->emitOpError() << "requires tensors of rank 8 or less "
                                  "without zero-size dimensions, got "
                               << rt;
  return success();
}

LogicalResult verifySameFloatType(Operation *op) {
  Type elem;
  for (Type t :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    Type e = cast<RankedTensorType>(t).getElementType();
    if (!isa<FloatType>(e))
      continue;
    if (!elem)
      elem = e;
    else if (e != elem)
      return op->emitOpError()
             << "requires one float element type, got " << elem << " and " << e;
  }
  return success();
}

LogicalResult verifyCommon(Operation *op) {
  if (failed(verifyStatic(op)))
    return failure();
  return verifySameFloatType(op);
}

LogicalResult verifyContraction(Operation *op) {
  if (failed(verifyStatic(op)))
    return failure();
  Type elem;
  for (Type t : op->getOperandTypes()) {
    Type e = cast<RankedTensorType>(t).getElementType();
    if (!elem)
      elem = e;
    else if (e != elem)
      return op->emitOpError()
             << "requires one float element type, got " << elem << " and " << e;
  }
  Type result =
      cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
  if (result == elem || (result.isF32() && (elem.isF16() || elem.isBF16())))
    return success();
  return op->emitOpError() << "result element type " << result
                           << " must be the operands' (" << elem
                           << "), or f32 for f16/bf16 operands";
}

} // namespace lp::detail
