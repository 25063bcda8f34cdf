//===- VerifyUtils.h - checks shared by the lp op verifiers -----*- C++ -*-===//
//
// The forward ops (LPOps.cpp) and the gradient and optimizer ops
// (LPGradOps.cpp) verify static shapes and one float element type the same
// way and print shapes alike.
//
//===----------------------------------------------------------------------===//

#ifndef LP_LIB_DIALECT_LP_IR_VERIFYUTILS_H
#define LP_LIB_DIALECT_LP_IR_VERIFYUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <optional>

namespace lp::detail {

/// The type of `v`, a ranked tensor by ODS.
inline mlir::RankedTensorType rankedType(mlir::Value v) {
  return mlir::cast<mlir::RankedTensorType>(v.getType());
}

/// `in + 2 * padding` (a padded window extent) with overflow checks, or
/// nullopt when it overflows int64 (padding 2^62).
std::optional<int64_t> paddedExtent(int64_t in, int64_t padding);

/// Prints a shape as `[2, 3]`.
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// Requires static shapes on every operand and result: LP's lowering, runner
/// and autodiff work on static shapes.
mlir::LogicalResult verifyStatic(mlir::Operation *op);

/// Requires all float operands and results to share one element type.
mlir::LogicalResult verifySameFloatType(mlir::Operation *op);

/// verifyStatic, then verifySameFloatType.
mlir::LogicalResult verifyCommon(mlir::Operation *op);

/// verifyCommon for a contraction (linear, matmul, conv2d): the float
/// operands share one type; the result has it too, or is f32 when the
/// operands are f16/bf16 (the f32 accumulator kept, lp-autocast
/// lowp-result=f32).
mlir::LogicalResult verifyContraction(mlir::Operation *op);

/// Requires `[qmin, qmax]` to be the range of a signed or unsigned integer
/// of 2 to 8 bits (lp.fake_quant, lp.quant_params).
mlir::LogicalResult verifyQuantRange(mlir::Operation *op, int64_t qmin,
                                     int64_t qmax);

/// The checks of every quantization op (lp.fake_quant and its gradients,
/// lp.quantize, lp.dequantize): verifyQuantRange, then scale and zero point
/// per tensor (rank 0) or per channel (`[C]` along `axis`), and a constant
/// scale that is positive.
mlir::LogicalResult verifyQuantOperands(mlir::Operation *op, mlir::Value input,
                                        mlir::Value scale,
                                        mlir::Value zeroPoint, int64_t qmin,
                                        int64_t qmax,
                                        std::optional<int64_t> axis);

} // namespace lp::detail

#endif // LP_LIB_DIALECT_LP_IR_VERIFYUTILS_H
