//===- HostOptimizer.h - LLVM -O3 for the JIT's host CPU --------*- C++ -*-===//

#ifndef LP_RUNNER_HOSTOPTIMIZER_H
#define LP_RUNNER_HOSTOPTIMIZER_H

#include "llvm/Support/Error.h"

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace lp {

/// Runs LLVM's -O3 pipeline on `module` for `machine` (the host CPU), with
/// glibc's vector math library (libmvec) declared to the vectoriser, so
/// that loops calling expf/logf/... vectorise into calls of their libmvec
/// variants instead of staying scalar. lp-run loads libmvec.
llvm::Error optimizeForHost(llvm::Module &module,
                            llvm::TargetMachine &machine);

} // namespace lp

#endif // LP_RUNNER_HOSTOPTIMIZER_H
