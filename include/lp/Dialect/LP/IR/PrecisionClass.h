//===- PrecisionClass.h - how an op takes part in mixed precision -*- C++
//-*-===//
//
// Every lp op declares a precision class (LPOps.td: LP_Lowp, LP_Fp32,
// LP_Follow, LP_Clear), read through PrecisionOpInterface. lp-autocast
// decides each op's types from it; docs/MixedPrecision.md has the table.
//
//===----------------------------------------------------------------------===//

#ifndef LP_DIALECT_LP_IR_PRECISIONCLASS_H
#define LP_DIALECT_LP_IR_PRECISIONCLASS_H

#include "mlir/IR/OpDefinition.h"

#include "llvm/ADT/StringRef.h"

namespace lp {

enum class PrecisionClass {
  /// Products and convolutions: low-precision operands, f32 accumulation,
  /// one rounding of the result.
  lowp,
  /// Ops that lose accuracy in 16 bits (exp, log, softmax, norms,
  /// reductions, losses, optimizer updates): f32 operands.
  fp32,
  /// Elementwise ops: the widest of their operands' types.
  follow,
  /// Ops that only move or select elements: their input's type.
  clear,
};

llvm::StringRef stringifyPrecisionClass(PrecisionClass cls);

/// The trait behind LP_Lowp / LP_Fp32 / LP_Follow / LP_Clear in TableGen.
template <PrecisionClass Class> struct HasPrecisionClass {
  template <typename ConcreteType>
  class Impl : public mlir::OpTrait::TraitBase<ConcreteType, Impl> {
  public:
    static PrecisionClass getPrecisionClass() { return Class; }
  };
};

} // namespace lp

#endif // LP_DIALECT_LP_IR_PRECISIONCLASS_H
