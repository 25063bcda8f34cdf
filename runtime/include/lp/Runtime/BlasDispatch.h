//===- BlasDispatch.h - OpenBLAS, loaded by the runtime ---------*- C++ -*-===//
//
// Matmuls lowered by lp-linalg-to-blas call `cblas_sgemm`. The runtime
// defines that symbol itself (HostSymbols.h) as its contraction dispatcher
// (Contractions.h), which calls OpenBLAS (loaded privately, here) or
// oneDNN. This file: loading OpenBLAS and the OpenMP runtime, the OpenBLAS
// thread count per call, and which kernels OpenBLAS chose.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_BLASDISPATCH_H
#define LP_RUNTIME_BLASDISPATCH_H

#include <cstdint>
#include <string>

namespace lp {
namespace rt {

/// Products below this many multiply-adds (m * n * k) run on one OpenBLAS
/// thread: OpenBLAS 0.3.21 splits even 64x64x32 products across threads,
/// and waking and joining the second thread costs more than the product.
constexpr int64_t kBlasSingleThreadBelow = int64_t(1) << 22;

/// Loads OpenBLAS (LP_BLAS_LIBRARY) and omp_in_parallel from the OpenMP
/// runtime (LP_OMP_LIBRARY) once; returns an empty string or a message.
/// Its idle threads are told to sleep soon after a product
/// (OPENBLAS_THREAD_TIMEOUT=4, unless the environment sets it): spinning,
/// they would hold the cores that the OpenMP kernels of
/// lp-parallelize-kernels run on. OpenBLAS reads the variable when it is
/// loaded, which is why nothing links it.
std::string loadBlas();

/// OpenBLAS's sgemm on one thread inside an OpenMP parallel region
/// (where lp-linalg-to-blas's blocks and batches run) and for small
/// products, all otherwise. `loadBlas` must have succeeded.
void openBlasSgemm(int order, int transA, int transB, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc);

/// OpenBLAS's version and the name of the kernels it chose for this CPU
/// (`openblas_get_corename()`, e.g. "Haswell", "Zen", "SkylakeX" or a
/// generic "Prescott"); empty before `loadBlas` succeeded.
std::string openBlasConfig();
std::string openBlasCore();

/// How many threads the OpenMP loops of a step run on (the OpenMP
/// runtime's omp_get_max_threads(): OMP_NUM_THREADS sets it), at least 1;
/// 1 before `loadBlas` succeeded. Compiled steps ask it through
/// `lp_num_threads` to cut kernels and products into blocks.
int64_t parallelThreads();

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_BLASDISPATCH_H
