//===- Passes.h - LP transformation passes -----------------------*- C++ -*-===//

#ifndef LP_TRANSFORMS_PASSES_H
#define LP_TRANSFORMS_PASSES_H

#include "lp/Dialect/LP/IR/LPDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace lp {

#define GEN_PASS_DECL
#include "lp/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lp/Transforms/Passes.h.inc"

} // namespace lp

#endif // LP_TRANSFORMS_PASSES_H
