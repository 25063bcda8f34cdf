//===- BlasDispatch.h - the cblas_sgemm that compiled steps call -*- C++ -*-===//

#ifndef LP_RUNNER_BLASDISPATCH_H
#define LP_RUNNER_BLASDISPATCH_H

#include <cstdint>

namespace mlir {
class ExecutionEngine;
}

namespace lp {

/// Products below this many multiply-adds (m * n * k) run on one OpenBLAS
/// thread: OpenBLAS 0.3.21 splits even 64x64x32 products across threads,
/// and waking and joining the second thread costs more than the product.
constexpr int64_t kBlasSingleThreadBelow = int64_t(1) << 22;

/// Makes `cblas_sgemm` in `engine`'s code resolve to LP's dispatcher, which
/// picks the OpenBLAS thread count from the product's size and calls
/// OpenBLAS's cblas_sgemm.
void registerBlasDispatch(mlir::ExecutionEngine &engine);

} // namespace lp

#endif // LP_RUNNER_BLASDISPATCH_H
