//===- HostSymbols.h - the functions lowered code calls ---------*- C++ -*-===//
//
// A lowered step calls a few functions it does not define: `memrefCopy`
// (non-contiguous memref.copy, MLIR's C runner utils ABI), `cblas_sgemm`
// (lp-linalg-to-blas) and `__truncsfbf2`/`__truncdfbf2` (LLVM's library
// calls for f32/f64 -> bf16 on targets without AVX512_BF16), and the
// allocation hooks `_mlir_memref_to_llvm_alloc`, `..._aligned_alloc` and
// `..._free` through which every buffer of a step is allocated and freed
// (lp-cpu-codegen lowers memref.alloc/dealloc to them). The runtime
// defines each of them. The JIT binds them to these addresses; a step compiled
// ahead of time (a shared object) resolves them against the runtime library,
// which exports them.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_HOSTSYMBOLS_H
#define LP_RUNTIME_HOSTSYMBOLS_H

#include <string>
#include <vector>

namespace lp {
namespace rt {

struct HostSymbol {
  const char *name; ///< as lowered code names it
  void *address;
};

/// Every symbol the runtime provides to lowered code.
const std::vector<HostSymbol> &hostSymbols();

/// Loads what those functions need (OpenBLAS) once; returns an empty string
/// or a message. Call before running a step.
std::string prepareHostSymbols();

/// What the allocation hooks have done since the process started.
struct AllocationStats {
  int64_t allocations = 0; ///< calls of alloc and aligned_alloc
  int64_t frees = 0;       ///< calls of free (of non-null pointers)
};
AllocationStats allocationStats();

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_HOSTSYMBOLS_H
