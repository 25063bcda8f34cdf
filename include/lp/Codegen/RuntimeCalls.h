//===- RuntimeCalls.h - runtime functions kernels call ------*- C++ -*-===//
//
// Code generation passes call a few functions that the runtime defines
// (`cblas_sgemm`, `lp_num_threads`): this declares them once per module
// and builds the run-time thread count and the blocks work is cut into.
//
//===----------------------------------------------------------------------===//

#ifndef LP_CODEGEN_RUNTIMECALLS_H
#define LP_CODEGEN_RUNTIMECALLS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpDefinition.h"

namespace lp {

/// The runtime's `int64_t lp_num_threads(void)`: how many threads the
/// OpenMP loops of a step run on (the OpenMP runtime's
/// `omp_get_max_threads()`, so `OMP_NUM_THREADS` sets it).
inline constexpr llvm::StringLiteral kNumThreadsSymbol = "lp_num_threads";

/// The private declaration of `name` with `type` in `module` (created at
/// the top of the module when missing), or null after an error on the
/// existing symbol when it is something else ("... `pass` needs the `what`
/// one <type>").
mlir::func::FuncOp declareRuntimeFunction(mlir::ModuleOp module,
                                          llvm::StringRef name,
                                          mlir::FunctionType type,
                                          llvm::StringRef pass,
                                          llvm::StringRef what);

/// How many blocks to split work into: `threads` as an attribute when it is
/// positive, otherwise a call of `lp_num_threads` (declared in `module`;
/// null after an error when it cannot be), an index value.
mlir::OpFoldResult threadCount(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::ModuleOp module, int64_t threads,
                               llvm::StringRef pass);

/// `len` iterations cut into about `threads` blocks whose
/// sizes are multiples of `granule`: `size` = roundup(ceil(len / threads),
/// granule) and `count` = ceil(len / size) (the last block is shorter when
/// `size` does not divide `len`). Constants when `threads` is one.
struct Blocks {
  mlir::Value size, count;
};
Blocks splitIntoBlocks(mlir::OpBuilder &b, mlir::Location loc, int64_t len,
                       mlir::OpFoldResult threads, int64_t granule);

/// The `linalg.fill` of zero into `out` immediately before `op`, if any: a
/// library call that writes every element of `out` makes it redundant
/// (BLAS's beta = 0, the runtime's convolutions).
mlir::linalg::FillOp zeroFillBefore(mlir::Operation *op, mlir::Value out);

/// `m` restricted along dimension `dim` to [`offset`, `offset` + `size`)
/// (a memref.subview; every other dimension whole).
mlir::Value subviewAlong(mlir::OpBuilder &b, mlir::Location loc, mlir::Value m,
                         unsigned dim, mlir::OpFoldResult offset,
                         mlir::OpFoldResult size);

} // namespace lp

#endif // LP_CODEGEN_RUNTIMECALLS_H
