//===- Passes.h - LP CPU code generation passes ------------------*- C++ -*-===//

#ifndef LP_CODEGEN_PASSES_H
#define LP_CODEGEN_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace lp {

#define GEN_PASS_DECL
#include "lp/Codegen/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "lp/Codegen/Passes.h.inc"

} // namespace lp

#endif // LP_CODEGEN_PASSES_H
