//===- Builders.h - helpers shared by the lp-to-linalg patterns -*- C++ -*-===//
//
// Small builders for the linalg.generic shapes the lowering needs: broadcast
// elementwise maps, reductions over a set of dimensions, static reshapes and
// the f32 "compute type" used inside low-precision bodies.
//
//===----------------------------------------------------------------------===//

#ifndef LP_LIB_CONVERSION_LPTOLINALG_BUILDERS_H
#define LP_LIB_CONVERSION_LPTOLINALG_BUILDERS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <cmath>
#include <limits>

namespace lp::detail {

/// The start of a max reduction.
constexpr double kNegInf = -std::numeric_limits<double>::infinity();

/// GELU's tanh approximation: tanh(sqrt(2/pi) (x + 0.044715 x^3)).
inline const double kGeluSqrt2OverPi = std::sqrt(2.0 / M_PI);
constexpr double kGeluCubic = 0.044715;

using BodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

/// The type bodies compute and accumulate in: f32 for f16/bf16/f32, f64
/// for f64.
mlir::FloatType computeType(mlir::Type elementType);
/// A float constant of the same type as `like`.
mlir::Value cst(mlir::OpBuilder &b, mlir::Location loc, mlir::Value like,
                double value);
/// Extends `v` to f32 if it is narrower.
mlir::Value toCompute(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);
/// Rounds or extends `v` (a float) to `type`, nearest even.
mlir::Value toType(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                   mlir::Type type);
/// A float constant of `type`.
mlir::Value floatConst(mlir::OpBuilder &b, mlir::Location loc, mlir::Type type,
                       double value);

/// tensor.empty of the given static shape.
mlir::Value emptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                        llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
/// tensor.empty filled with `value`.
mlir::Value filledTensor(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                         double value);

/// The map that reads an operand of `operandShape` broadcast (numpy rules)
/// into an iteration space of `resultShape`.
mlir::AffineMap broadcastMap(mlir::MLIRContext *ctx,
                             llvm::ArrayRef<int64_t> operandShape,
                             llvm::ArrayRef<int64_t> resultShape);

/// A parallel linalg.generic producing `resultType` from broadcast `inputs`.
/// `body` receives the input scalars converted to f32 and returns an f32 (or
/// result-typed) value, which is rounded to the result element type.
mlir::Value buildElementwise(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType resultType,
                             mlir::ValueRange inputs, BodyFn body);

/// Like buildElementwise, but each input comes with its own indexing map
/// over the result's iteration space.
mlir::Value buildMapped(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType resultType,
                        mlir::ValueRange inputs,
                        llvm::ArrayRef<mlir::AffineMap> inputMaps, BodyFn body);

using CombineFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::Value acc, mlir::ValueRange xs)>;

/// The iterator types of a reduction over the dimensions flagged in
/// `reduced` of `iterShape`, and the shape of its result (the others).
void reductionSpace(llvm::ArrayRef<int64_t> iterShape,
                    llvm::ArrayRef<bool> reduced,
                    llvm::SmallVectorImpl<int64_t> &outShape,
                    llvm::SmallVectorImpl<mlir::utils::IteratorType> &iters);

/// A linalg.generic over an iteration space of `iterShape` that reduces the
/// dimensions flagged in `reduced` into an f32 tensor of the remaining ones,
/// starting from `init`. Each input is read through its map; `combine`
/// receives the accumulator and the inputs converted to f32.
mlir::Value buildReduction(mlir::OpBuilder &b, mlir::Location loc,
                           llvm::ArrayRef<int64_t> iterShape,
                           mlir::ValueRange inputs,
                           llvm::ArrayRef<mlir::AffineMap> inputMaps,
                           llvm::ArrayRef<bool> reduced, double init,
                           CombineFn combine);

/// Adds the (first) input to the accumulator / takes their maximum: the
/// `combine` of sums and of max reductions.
mlir::Value addCombine(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::ValueRange xs);
mlir::Value maxCombine(mlir::OpBuilder &b, mlir::Location loc, mlir::Value acc,
                       mlir::ValueRange xs);

/// Reduces `x` over the dimensions flagged in `reduced` with `combine`,
/// starting from `init` (buildReduction over x's own shape).
mlir::Value reduceOne(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                      llvm::ArrayRef<bool> reduced, double init,
                      CombineFn combine);

/// The pieces of log-sum-exp over `reduced`: the f32 maximum m of `x`
/// and the sum of exp(x - m), in one reduction that does not keep the
/// exponentials (softmax cross-entropy and its gradient).
std::pair<mlir::Value, mlir::Value>
maxAndSumShiftedExp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                    llvm::ArrayRef<bool> reduced);

/// Flags for the dimensions in `axes` (verified, possibly negative) of a
/// rank-`rank` tensor.
llvm::SmallVector<bool> flagAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

/// The identity map of `rank` dimensions.
mlir::AffineMap identityMap(mlir::MLIRContext *ctx, int64_t rank);

/// The map from a full iteration space of rank `rank` to the dimensions not
/// flagged in `reduced` (how a reduced tensor is read back against the
/// full one).
mlir::AffineMap keptDimsMap(mlir::MLIRContext *ctx,
                            llvm::ArrayRef<bool> reduced);

/// Reshapes `v` to the static `type` (same element count, row-major).
mlir::Value reshapeTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                      mlir::RankedTensorType type);

/// Pads the two trailing dimensions of an NCHW tensor by `pad` on both
/// sides with `value`.
mlir::Value padSpatial(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                       llvm::ArrayRef<int64_t> pad, double value);

/// The type of an op's first result, and the shape of a tensor value.
mlir::RankedTensorType resultTypeOf(mlir::Operation *op);
llvm::ArrayRef<int64_t> shapeOf(mlir::Value v);

/// Adds an optional bias along dimension `dim` of the f32 accumulator `acc`
/// and rounds to `resultType` (whose shape equals acc's).
mlir::Value finishContraction(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value acc, mlir::Value bias, int64_t dim,
                              mlir::RankedTensorType resultType);

/// Casts every element of `v` to `elementType` (nearest even).
mlir::Value convertElements(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, mlir::Type elementType);

/// Clamps an integer index value into [0, size) and casts it to index.
mlir::Value clampedIndex(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value id, int64_t size);

/// `v`'s tensor type with another shape (same element type).
mlir::RankedTensorType withShape(mlir::Value v, llvm::ArrayRef<int64_t> shape);

/// A conv filter [F, C, KH, KW] as the matrix [F, C*KH*KW].
mlir::Value filterMatrix(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value filter);

/// [M, K] x [K, N] (or batched [B, M, K] x [B, K, N]) into a zero tensor
/// of the compute type.
mlir::Value buildMatmul(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::Value lhs, mlir::Value rhs);

/// The im2col matrix of a (padded) NCHW input for a `kernel`-sized window
/// moved by `stride` over `outHW` positions: [C * KH * KW, N * OH * OW],
/// column (n, oh, ow) holding the window's values in (c, kh, kw) order, so
/// that a convolution is the product filter[F, C*KH*KW] x columns.
mlir::Value im2col(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                   llvm::ArrayRef<int64_t> kernel,
                   llvm::ArrayRef<int64_t> stride,
                   llvm::ArrayRef<int64_t> outHW);

/// A 4-D tensor with its two leading dimensions swapped (NFHW <-> FNHW).
mlir::Value swapLeadingDims(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v);

} // namespace lp::detail

#endif // LP_LIB_CONVERSION_LPTOLINALG_BUILDERS_H
