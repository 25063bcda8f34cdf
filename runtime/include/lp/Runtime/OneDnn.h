//===- OneDnn.h - f32 products through oneDNN -------------------*- C++ -*-===//
//
// oneDNN (Debian's libdnnl, 2.6) picks its kernels from the CPU's ISA
// features (AVX2, AVX-512, AVX512_BF16, AMX), not from the CPU model. The
// runtime loads it with dlopen after LLVM's OpenMP runtime, so that its
// GNU OpenMP calls (GOMP_parallel, omp_*) bind to libomp, which exports
// them: oneDNN's threads are then the compiled kernels' threads, one pool.
// Matmul primitives are created once per shape and thread (the step's
// first call) and cached, never per call.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_ONEDNN_H
#define LP_RUNTIME_ONEDNN_H

#include <string>

namespace lp {
namespace rt {

/// Loads oneDNN once; an empty string or why it cannot be used. The
/// OpenMP runtime must be loaded (RTLD_GLOBAL) before. `maxIsa` (one of
/// oneDnnIsaNames(), or empty: the CPU's best) caps the ISA its kernels
/// use, so that every narrower path can be forced and tested.
std::string loadOneDnn(const std::string &maxIsa = "");

/// The ISA names loadOneDnn accepts, narrowest first.
const char *const *oneDnnIsaNames();

/// oneDNN's version ("2.6.3") and the ISA its kernels use
/// ("avx2", "avx512_core_amx", ...); empty when not loaded.
std::string oneDnnVersion();
std::string oneDnnIsa();

/// Row-major C = A B + beta C (transposed A/B by flag; beta 0 or 1) with
/// oneDNN's matmul: false when oneDNN cannot run it (then nothing was
/// written). `implementation` (if not null) receives the kernel's name,
/// "onednn <oneDNN's name>", valid as long as the process. `bias` (if not
/// null, n floats) is added to every row of A B in the kernel's epilogue.
bool oneDnnSgemm(bool transA, bool transB, int m, int n, int k, const float *a,
                 int lda, const float *b, int ldb, float beta, float *c,
                 int ldc, const char **implementation = nullptr,
                 const float *bias = nullptr);

/// The element types of A and B a product may have.
enum class GemmInput { F32, BF16, F16 };

/// The same with A and B of `input` type (C is f32, the accumulation too):
/// false also when oneDNN has only its reference (`ref:`) kernel for it
/// on this CPU, which the runtime never uses.
bool oneDnnGemm(GemmInput input, bool transA, bool transB, int m, int n, int k,
                const void *a, int lda, const void *b, int ldb, float beta,
                float *c, int ldc, const char **implementation = nullptr,
                const float *bias = nullptr);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_ONEDNN_H
