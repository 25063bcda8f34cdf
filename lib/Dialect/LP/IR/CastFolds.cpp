//===- CastFolds.cpp - bit-preserving folds of lp.cast --------------------===//
//
// Only folds that keep every bit of every value: a cast to its input's own
// type, and a cast whose input is an exact widening (every f16 and bf16
// value is an f32 value). A narrowing followed by a widening rounds, so it
// stays. Identical casts of one value are merged by CSE (lp.cast is pure).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace lp;

/// True when converting `from` to `to` changes no value: the same type, or
/// a 16-bit float widened to f32.
static bool isExactConversion(Type from, Type to) {
  if (from == to)
    return true;
  return to.isF32() && (from.isF16() || from.isBF16());
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto inner = getInput().getDefiningOp<CastOp>();
  if (!inner || !isExactConversion(getElementTypeOrSelf(inner.getInput()),
                                   getElementTypeOrSelf(inner.getResult())))
    return {};
  // The exact widening's input has the same values: f16 -> f32 -> f16 is
  // the input itself, f16 -> f32 -> bf16 one cast with this rounding.
  if (inner.getInput().getType() == getType())
    return inner.getInput();
  getInputMutable().assign(inner.getInput());
  return getResult();
}
