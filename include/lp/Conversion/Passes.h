//===- Passes.h - LP conversion passes ---------------------------*- C++ -*-===//

#ifndef LP_CONVERSION_PASSES_H
#define LP_CONVERSION_PASSES_H

#include "lp/Conversion/LPToLinalg/LPToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace lp {

#define GEN_PASS_DECL
#include "lp/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lp/Conversion/Passes.h.inc"

} // namespace lp

#endif // LP_CONVERSION_PASSES_H
