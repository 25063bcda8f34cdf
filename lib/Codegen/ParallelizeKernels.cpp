//===- ParallelizeKernels.cpp - lp-parallelize-kernels --------------------===//
//
// Splits the outermost parallel loop of every large enough linalg op on
// buffers into `threads` chunks run by an `scf.parallel` (which
// convert-scf-to-openmp makes an OpenMP parallel loop). Small ops stay
// sequential: forking costs microseconds, more than a small kernel takes.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

#include <thread>

namespace lp {
#define GEN_PASS_DEF_PARALLELIZEKERNELS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct ParallelizeKernels
    : lp::impl::ParallelizeKernelsBase<ParallelizeKernels> {
  using ParallelizeKernelsBase::ParallelizeKernelsBase;

  void runOnOperation() override {
    int64_t chunks = threads ? threads : std::thread::hardware_concurrency();
    if (chunks < 2)
      return;
    SmallVector<linalg::LinalgOp> ops;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
          op.getIteratorTypesArray().front() != utils::IteratorType::parallel)
        return;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      int64_t work = 1;
      for (int64_t r : ranges) {
        if (ShapedType::isDynamic(r))
          return;
        work *= r;
      }
      if (work >= int64_t(minWork) && ranges.front() >= chunks)
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      int64_t outer = op.getStaticLoopRanges().front();
      int64_t chunk = (outer + chunks - 1) / chunks;
      SmallVector<OpFoldResult> sizes(op.getNumLoops(),
                                      rewriter.getIndexAttr(0));
      sizes.front() = rewriter.getIndexAttr(chunk);
      scf::SCFTilingOptions options;
      options.setTileSizes(sizes);
      options.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      rewriter.setInsertionPoint(op);
      auto tiling = cast<TilingInterface>(op.getOperation());
      FailureOr<scf::SCFTilingResult> tiled =
          scf::tileUsingSCF(rewriter, tiling, options);
      if (failed(tiled))
        continue; // stays sequential
      rewriter.eraseOp(op);
      for (LoopLikeOpInterface loop : tiled->loops)
        if (auto forall = dyn_cast<scf::ForallOp>(loop.getOperation()))
          if (failed(scf::forallToParallelLoop(rewriter, forall)))
            return signalPassFailure();
    }
  }
};
} // namespace
