//===- BlasDispatch.h - the cblas_sgemm that compiled steps call -*- C++ -*-===//

#ifndef LP_RUNNER_BLASDISPATCH_H
#define LP_RUNNER_BLASDISPATCH_H

#include "llvm/Support/Error.h"

#include <cstdint>

namespace mlir {
class ExecutionEngine;
}

namespace lp {

/// Products below this many multiply-adds (m * n * k) run on one OpenBLAS
/// thread: OpenBLAS 0.3.21 splits even 64x64x32 products across threads,
/// and waking and joining the second thread costs more than the product.
constexpr int64_t kBlasSingleThreadBelow = int64_t(1) << 22;

/// Loads OpenBLAS (LP_BLAS_LIBRARY) and omp_in_parallel from the OpenMP
/// runtime (LP_OMP_LIBRARY) once. Its idle threads are told to
/// sleep soon after a product (OPENBLAS_THREAD_TIMEOUT=4, unless the
/// environment sets it): spinning, they would hold the cores that the
/// OpenMP kernels of lp-parallelize-kernels run on. OpenBLAS reads the
/// variable when it is loaded, which is why lp-run does not link it.
llvm::Error loadBlas();

/// Makes `cblas_sgemm` in `engine`'s code resolve to LP's dispatcher, which
/// picks the OpenBLAS thread count (one inside an OpenMP parallel region,
/// where lp-linalg-to-blas's blocks and batches run; one for small
/// products; all otherwise) and calls OpenBLAS's cblas_sgemm.
void registerBlasDispatch(mlir::ExecutionEngine &engine);

} // namespace lp

#endif // LP_RUNNER_BLASDISPATCH_H
