//===- BlasDispatch.cpp - OpenBLAS, loaded by the runtime -----------------===//

#include "lp/Runtime/BlasDispatch.h"

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <string>

namespace {
// OpenBLAS's entry points (Debian's libopenblas-dev); enums are C ints.
using SgemmFn = void (*)(int, int, int, int, int, int, float, const float *,
                         int, const float *, int, float, float *, int);
SgemmFn cblasSgemm = nullptr;
void (*setThreads)(int) = nullptr;
int (*getThreads)(void) = nullptr;
int (*inParallel)(void) = nullptr; // libomp's omp_in_parallel
int (*maxThreads)(void) = nullptr; // libomp's omp_get_max_threads
char *(*getCorename)(void) = nullptr;
char *(*getConfig)(void) = nullptr;
int allThreads = 0;
// Batches of small products call in from several OpenMP threads.
std::atomic<int> currentThreads = 0;

} // namespace

void lp::rt::openBlasSgemm(int order, int transA, int transB, int m, int n,
                           int k, float alpha, const float *a, int lda,
                           const float *b, int ldb, float beta, float *c,
                           int ldc) {
  // Calls inside an OpenMP region (the blocks of a product split by
  // lp-linalg-to-blas, the side-by-side products of a batch) already run on
  // every core: a second pool of OpenBLAS threads would only compete.
  int64_t macs = int64_t(m) * n * k;
  int want = macs < kBlasSingleThreadBelow || inParallel() ? 1 : allThreads;
  if (want != currentThreads) {
    setThreads(want);
    currentThreads = want;
  }
  cblasSgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c,
             ldc);
}

std::string lp::rt::loadBlas() {
  if (cblasSgemm)
    return "";
  setenv("OPENBLAS_THREAD_TIMEOUT", "4", /*overwrite=*/0);
  void *handle = dlopen(LP_BLAS_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (!handle)
    return ("cannot load the BLAS library " + std::string(LP_BLAS_LIBRARY) +
            ": " + dlerror());
  cblasSgemm = reinterpret_cast<SgemmFn>(dlsym(handle, "cblas_sgemm"));
  setThreads = reinterpret_cast<void (*)(int)>(
      dlsym(handle, "openblas_set_num_threads"));
  getThreads = reinterpret_cast<int (*)(void)>(
      dlsym(handle, "openblas_get_num_threads"));
  getCorename =
      reinterpret_cast<char *(*)(void)>(dlsym(handle, "openblas_get_corename"));
  getConfig =
      reinterpret_cast<char *(*)(void)>(dlsym(handle, "openblas_get_config"));
  if (!cblasSgemm || !setThreads || !getThreads)
    return (std::string(LP_BLAS_LIBRARY) + " lacks cblas_sgemm or "
                                           "openblas_set/get_num_threads");
  // The runtime the compiled kernels use (the JIT loads the same file).
  void *omp = dlopen(LP_OMP_LIBRARY, RTLD_NOW | RTLD_GLOBAL);
  inParallel =
      omp ? reinterpret_cast<int (*)(void)>(dlsym(omp, "omp_in_parallel"))
          : nullptr;
  maxThreads =
      omp ? reinterpret_cast<int (*)(void)>(dlsym(omp, "omp_get_max_threads"))
          : nullptr;
  if (!inParallel || !maxThreads) {
    cblasSgemm = nullptr; // so that a later call fails the same way
    return ("cannot load omp_in_parallel and omp_get_max_threads from the "
            "OpenMP runtime " +
            std::string(LP_OMP_LIBRARY));
  }
  allThreads = currentThreads = getThreads();
  return "";
}

int64_t lp::rt::parallelThreads() {
  int threads = maxThreads ? maxThreads() : 1;
  return threads > 0 ? threads : 1;
}

std::string lp::rt::openBlasCore() {
  const char *core = cblasSgemm && getCorename ? getCorename() : nullptr;
  return core ? core : "";
}

std::string lp::rt::openBlasConfig() {
  const char *config = cblasSgemm && getConfig ? getConfig() : nullptr;
  return config ? config : "";
}
