//===- BlasDispatch.cpp - the cblas_sgemm that compiled steps call --------===//

#include "lp/Runner/BlasDispatch.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"

extern "C" {
// OpenBLAS (Debian's libopenblas-dev); the enum arguments are C ints.
void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
                 float alpha, const float *a, int lda, const float *b,
                 int ldb, float beta, float *c, int ldc);
void openblas_set_num_threads(int threads);
int openblas_get_num_threads(void);
}

namespace {
int allThreads = 0;
int currentThreads = 0;

void sgemmDispatch(int order, int transA, int transB, int m, int n, int k,
                   float alpha, const float *a, int lda, const float *b,
                   int ldb, float beta, float *c, int ldc) {
  int64_t macs = int64_t(m) * n * k;
  int want = macs < lp::kBlasSingleThreadBelow ? 1 : allThreads;
  if (want != currentThreads) {
    openblas_set_num_threads(want);
    currentThreads = want;
  }
  cblas_sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c,
              ldc);
}
} // namespace

void lp::registerBlasDispatch(mlir::ExecutionEngine &engine) {
  if (allThreads == 0) {
    allThreads = openblas_get_num_threads();
    currentThreads = allThreads;
  }
  engine.registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner("cblas_sgemm")] = {
        llvm::orc::ExecutorAddr::fromPtr(&sgemmDispatch),
        llvm::JITSymbolFlags::Exported};
    return symbols;
  });
}
