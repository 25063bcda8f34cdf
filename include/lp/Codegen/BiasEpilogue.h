//===- BiasEpilogue.h - a product's bias add for the library -*- C++ -*-===//
//
// lp-linalg-to-blas's epilogues: the `linalg.generic` right after a 2-D
// product that adds a bias row to the product in place, which the
// runtime's `_bias` entry points run inside the library's kernel (oneDNN's
// matmul bias). Activations are not taken into the library: oneDNN 2.6's
// ReLU post-op maps NaN to 0 (docs/Performance.md, "Epilogues"), and so
// do cuBLASLt's (x := max(x, 0)). On the GPU, the bias gradient too: the
// column sums of a weight gradient's B, the layer's output gradient,
// which cuBLASLt writes with the product (docs/Gpu.md, "Epilogues").
//
//===----------------------------------------------------------------------===//

#ifndef LP_CODEGEN_BIASEPILOGUE_H
#define LP_CODEGEN_BIASEPILOGUE_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>

namespace lp {

/// The bias add that follows a product writing `c`.
struct BiasEpilogue {
  mlir::linalg::GenericOp add; ///< reads `c` and the bias, writes `c`
  mlir::Value bias;            ///< memref<n x f32>, unit stride
};

/// The op right after `product` when it is a `linalg.generic` on buffers
/// over `c`'s two dimensions whose body (not a region nested in it) adds
/// a row-broadcast f32 vector to `c`'s element, uses neither operand again
/// and writes `c` in place (`out` unused), and whose vector cannot overlap
/// `c` (its buffer is another allocation or argument: the library reads it
/// while writing `c`); nothing otherwise.
std::optional<BiasEpilogue> findBiasEpilogue(mlir::Operation *product,
                                             mlir::Value c);

/// Removes the bias add from `e.add` once the product adds the bias: the
/// op is erased when the add was all it did, otherwise replaced by a
/// generic on `c` alone that computes the rest of its body (a ReLU, a
/// GELU) from the biased element.
void dropBiasAdd(const BiasEpilogue &e, mlir::Value c);

/// The bias gradient computed from a product's B.
struct BiasGradEpilogue {
  mlir::linalg::GenericOp sum; ///< reads B, writes `grad`
  mlir::linalg::FillOp fill;   ///< zeroes `grad` for the sum
  mlir::Value grad;            ///< memref<n x f32>, unit stride
};

/// The sum over k of each column of op(B) (`b` as the product reads it,
/// k x n; `transposedB`: stored n x k) that follows `product` when only
/// allocations, deallocations of other buffers and the sum's zero fill
/// come between them: a `linalg.generic` on buffers whose one input is
/// `b` itself (f32, bf16 or f16), whose body is an f32 addf of the element
/// (widened to f32 when 16-bit) and the accumulator, and whose result (unit
/// stride, another buffer than `b` and the product's `others`) is defined
/// before the product or is an allocation between them; nothing otherwise.
std::optional<BiasGradEpilogue> findBiasGradEpilogue(mlir::Operation *product,
                                                     mlir::Value b,
                                                     bool transposedB,
                                                     mlir::ValueRange others);

/// Before the product's call that computes `e.grad` is built: erases the
/// sum and its fill, and moves an allocation of `e.grad` made after
/// `product` before it.
void dropBiasGradSum(const BiasGradEpilogue &e, mlir::Operation *product);

} // namespace lp

#endif // LP_CODEGEN_BIASEPILOGUE_H
