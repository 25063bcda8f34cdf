//===- GPUPasses.h - LP GPU code generation passes ---------------*- C++
//-*-===//

#ifndef LP_CODEGEN_GPUPASSES_H
#define LP_CODEGEN_GPUPASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"

namespace lp {

#define GEN_PASS_DECL
#include "lp/Codegen/GPUPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "lp/Codegen/GPUPasses.h.inc"

} // namespace lp

#endif // LP_CODEGEN_GPUPASSES_H
