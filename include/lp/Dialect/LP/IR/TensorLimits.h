//===- TensorLimits.h - the largest tensors lp ops take ---------*- C++ -*-===//
//
// Every lp op checks that each tensor it takes or makes fits in
// kMaxTensorBytes, with the element count computed with overflow checks
// (LP_BoundedTensors, on every lp op): a shape near INT64_MAX, or a 40 GB
// intermediate, is a located verifier error instead of a wrapped count and
// out-of-bounds writes later. The limit is fixed (passes never read the
// host); lp-run compares the step's total with the running machine.
//
//===----------------------------------------------------------------------===//

#ifndef LP_DIALECT_LP_IR_TENSORLIMITS_H
#define LP_DIALECT_LP_IR_TENSORLIMITS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#include <optional>

namespace lp {

/// The largest tensor an lp op takes or makes: 2^40 bytes (1 TiB).
inline constexpr int64_t kMaxTensorBytes = int64_t(1) << 40;

/// The bytes of a statically shaped `type` (elements of at least one byte),
/// or nullopt when the count overflows int64.
std::optional<int64_t> tensorBytes(mlir::ShapedType type);

/// Fails, at `op`, if one of its operand or result tensors is larger than
/// kMaxTensorBytes (or its size overflows).
mlir::LogicalResult verifyTensorSizes(mlir::Operation *op);

/// The trait behind LP_BoundedTensors.
template <typename ConcreteType>
class BoundedTensors
    : public mlir::OpTrait::TraitBase<ConcreteType, BoundedTensors> {
public:
  static mlir::LogicalResult verifyTrait(mlir::Operation *op) {
    return verifyTensorSizes(op);
  }
};

} // namespace lp

#endif // LP_DIALECT_LP_IR_TENSORLIMITS_H
