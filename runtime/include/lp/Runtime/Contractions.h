//===- Contractions.h - which library runs each product ---------*- C++ -*-===//
//
// Every f32 product a step makes through lp-linalg-to-blas reaches the
// runtime's `cblas_sgemm`, which sends it to OpenBLAS or oneDNN by a policy
// chosen from the CPU's ISA features (CpuFeatures.h), never from its model:
//
//   amx / avx512 class: oneDNN for every size (its brgemm kernels);
//   avx2 class: OpenBLAS for small (< 2^18 multiply-adds) and large
//     (>= 2^28) products, oneDNN for the sizes between, where it was
//     faster on the AVX2 machine measured (docs/Performance.md);
//   a CPU below AVX2: OpenBLAS.
//
// OpenBLAS chooses its kernels by CPU model; when the kernels it chose are
// for a narrower ISA class than the CPU's (Debian's 0.3.21 runs generic
// Prescott kernels on Emerald Rapids), `auto` sends every product to
// oneDNN, and refuses to run (an error) when oneDNN is not there either.
// `openblas` and `onednn` force one library (LP_CONTRACTION or lp-run
// --contraction).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CONTRACTIONS_H
#define LP_RUNTIME_CONTRACTIONS_H

#include <cstdint>
#include <string>
#include <vector>

namespace lp {
namespace rt {

/// Size classes by multiply-adds (m * n * k).
constexpr int64_t kSmallProductBelow = int64_t(1) << 18;
constexpr int64_t kLargeProductFrom = int64_t(1) << 28;

/// Selects the policy: "auto", "openblas" or "onednn" (empty: the
/// LP_CONTRACTION environment variable, else "auto"). Must precede the
/// first product; an empty string or a message.
std::string setContraction(const std::string &name);

/// Caps the ISA of oneDNN's kernels ("sse41", "avx2", "avx512_core",
/// "avx512_core_bf16", "avx512_core_amx"; empty: LP_CONTRACTION_ISA, else
/// the CPU's best), so that a narrower path than the CPU's can be forced
/// and tested. An ISA the CPU lacks is an error when a step is loaded.
void setContractionIsa(const std::string &isa);

/// Loads the libraries the policy needs and fixes the policy: an empty
/// string or why no product can run (called when a step is loaded).
std::string prepareContractions();

/// Runs one row-major product (cblas_sgemm's arguments) with the library
/// the policy gives its size class. With `bias` (n floats; lp-linalg-to-
/// blas's epilogues call `lp_sgemm_bias`), C = alpha A B + bias + beta C:
/// oneDNN adds it in its kernel's epilogue, after OpenBLAS the runtime
/// adds it in one pass.
void sgemmDispatch(int order, int transA, int transB, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc,
                   const float *bias = nullptr);

/// A product whose A and B are bf16 or f16 (raw 16-bit values) and whose
/// C and accumulation are f32 (lp-linalg-to-blas's `lp_gemm_bf16` /
/// `lp_gemm_f16`): oneDNN's kernels where the CPU has them for that type
/// (AVX512_BF16, AMX, AVX512_FP16), else both operands widened to f32 once
/// per call and the f32 product (the same policy as sgemmDispatch).
void lowpGemmDispatch(bool bf16, int order, int transA, int transB, int m,
                      int n, int k, float alpha, const void *a, int lda,
                      const void *b, int ldb, float beta, float *c, int ldc);

/// How products of 16-bit types run: `mode` "native" (lowpGemmDispatch,
/// oneDNN's bf16/f16 kernels where the CPU has them), "widened" (the step
/// widens their operands to f32 once per step and runs f32 products:
/// lp-lower-to-llvm's widen-lowp) or "auto" (empty: LP_LOWP_PRODUCTS, else
/// auto): native only where the library's kernels for the type beat f32
/// kernels on widened operands, which takes the CPU's features, the ISA
/// cap and the forced library into account: bf16 with AMX-BF16 (on
/// AVX512_BF16 alone oneDNN 2.6's bf16 products were measured slower than
/// its f32 ones), f16 never (oneDNN 2.6 has no f16 product kernels but
/// reference loops). Sets `widened` to the
/// types to widen (for widen-lowp); an empty string or a message. Call
/// after setContraction and setContractionIsa, before compiling the step.
/// How products of one 16-bit type run, as chooseLowpProducts decided.
enum class LowpPath {
  WidenedOnce,    ///< f32 products on operands widened once per step
  WidenedPerCall, ///< native asked, no library kernels: widened per call
  NativeSlow,     ///< the library's kernels, slower than f32 ones here
  NativeFast,     ///< the library's kernels, faster than f32 ones (AMX)
};
/// The decision of the last chooseLowpProducts for bf16 (`bf16`) or f16.
LowpPath lowpPath(bool bf16);

std::string chooseLowpProducts(const std::string &mode,
                               std::vector<std::string> &widened);

/// Records that `what` ran (a `kernel:` line of the report), once.
void recordKernel(const std::string &what);

/// What runs the products: the CPU, its features, the libraries, their
/// versions and kernels, the library of each size class and the oneDNN
/// kernels created so far; one item per line.
std::string contractionReport();

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_CONTRACTIONS_H
