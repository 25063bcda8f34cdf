//===- VjpBuilders.h - small lp-op builders for gradient rules --*- C++ -*-===//

#ifndef LP_LIB_DIALECT_LP_IR_VJPBUILDERS_H
#define LP_LIB_DIALECT_LP_IR_VJPBUILDERS_H

#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/IR/Builders.h"

namespace lp::vjp {

/// A rank-0 constant `value` of `elementType` (broadcasts in binary ops).
mlir::Value scalar(mlir::OpBuilder &b, mlir::Location loc,
                   mlir::Type elementType, double value);

/// The element type of a tensor value.
mlir::Type elementType(mlir::Value v);

/// Binary lp op with the numpy-broadcast result type.
template <typename OpTy>
mlir::Value binary(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lhs,
                   mlir::Value rhs);

/// x * value.
mlir::Value scale(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                  double value);

/// lp.reshape to `shape`.
mlir::Value reshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<int64_t> shape);

/// lp.reduce_sum over `axes` with keepdims.
mlir::Value sumKeep(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<int64_t> axes);

/// Sums a gradient of a broadcast result back to an operand's shape.
mlir::Value sumToShape(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value grad, llvm::ArrayRef<int64_t> shape);

/// lp.broadcast of `x` to `shape`.
mlir::Value broadcast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      llvm::ArrayRef<int64_t> shape);

/// The shape of a reduction result with keepdims, from flags.
llvm::SmallVector<int64_t> keepdimsShape(llvm::ArrayRef<int64_t> shape,
                                         llvm::ArrayRef<int64_t> axes);

/// lp.transpose swapping the two innermost dimensions.
mlir::Value transposeLast2(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x);

} // namespace lp::vjp

#endif // LP_LIB_DIALECT_LP_IR_VJPBUILDERS_H
