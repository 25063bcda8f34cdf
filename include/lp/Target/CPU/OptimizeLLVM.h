//===- OptimizeLLVM.h - LLVM -O3 for a lowered step -------------*- C++ -*-===//

#ifndef LP_TARGET_CPU_OPTIMIZELLVM_H
#define LP_TARGET_CPU_OPTIMIZELLVM_H

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace lp {

/// Runs LLVM's -O3 pipeline on `module` for `machine` (the JIT's host CPU,
/// or an ahead-of-time target), with glibc's vector math library (libmvec)
/// declared to the vectoriser, so that loops calling expf/logf/...
/// vectorise into calls of their libmvec variants instead of staying
/// scalar. The JIT and ahead-of-time steps use this one pipeline.
llvm::Error optimizeLLVMModule(llvm::Module &module,
                               llvm::TargetMachine &machine);

} // namespace lp

#endif // LP_TARGET_CPU_OPTIMIZELLVM_H
