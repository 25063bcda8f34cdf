//===- ParallelizeKernels.cpp - lp-parallelize-kernels --------------------===//
//
// Splits the outermost parallel loop of every large enough linalg op on
// buffers into `threads` blocks of rows run by an `scf.parallel` (which
// convert-scf-to-openmp makes an OpenMP parallel loop), each block the op on
// subviews with static offsets. Small ops stay sequential: forking costs
// microseconds, more than a small kernel takes.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

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
    int64_t chunks = threads;
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
    for (linalg::LinalgOp op : ops)
      split(rewriter, op, chunks);
  }

  /// Replaces `op` by `scf.parallel %c = 0 to chunks { scf.index_switch %c
  /// { case k: op on the k-th block of rows } }`. Each case's subviews have
  /// static offsets, so the outlined chunk kernels keep static layouts
  /// (with the offset dynamic, LLVM did not vectorise some of them).
  /// In a chunk starting at row `offset`, `linalg.index 0` counts from the
  /// chunk's first row; bodies that use it (window gradients that load
  /// from buffers outside the op, masks computed from positions) need the
  /// row in the whole op: index + offset.
  static void offsetOuterIndex(IRRewriter &rewriter, Operation *chunk,
                               int64_t offset) {
    SmallVector<linalg::IndexOp> indices;
    chunk->walk([&](linalg::IndexOp index) {
      if (index.getDim() == 0 &&
          index->getParentOfType<linalg::LinalgOp>() == chunk)
        indices.push_back(index);
    });
    for (linalg::IndexOp index : indices) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfter(index);
      Value shift = arith::ConstantIndexOp::create(rewriter, index.getLoc(),
                                                   offset);
      auto global =
          arith::AddIOp::create(rewriter, index.getLoc(), index, shift);
      rewriter.replaceAllUsesExcept(index, global, global);
    }
  }

  void split(IRRewriter &rewriter, linalg::LinalgOp op, int64_t chunks) {
    int64_t outer = op.getStaticLoopRanges().front();
    int64_t size = (outer + chunks - 1) / chunks;
    chunks = (outer + size - 1) / size;
    // Which result of each operand's map is the outer loop (-1: none).
    SmallVector<int> outerDim;
    for (OpOperand &operand : op->getOpOperands()) {
      int dim = -1;
      if (isa<MemRefType>(operand.get().getType())) {
        AffineMap map = op.getMatchingIndexingMap(&operand);
        for (auto [i, e] : llvm::enumerate(map.getResults())) {
          if (e == rewriter.getAffineDimExpr(0))
            dim = i;
          else if (e.isFunctionOfDim(0))
            return; // not a plain row block: stays sequential
        }
      }
      outerDim.push_back(dim);
    }
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value count = arith::ConstantIndexOp::create(rewriter, loc, chunks);
    auto loop = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                        ValueRange{count}, ValueRange{one});
    rewriter.setInsertionPointToStart(loop.getBody());
    SmallVector<int64_t> cases;
    for (int64_t k = 0; k + 1 < chunks; ++k)
      cases.push_back(k);
    auto switchOp = scf::IndexSwitchOp::create(
        rewriter, loc, TypeRange{}, loop.getInductionVars()[0], cases,
        cases.size());
    for (int64_t k = 0; k < chunks; ++k) {
      Region &region = k + 1 < chunks ? switchOp.getCaseRegions()[k]
                                      : switchOp.getDefaultRegion();
      rewriter.createBlock(&region);
      int64_t rows = std::min(size, outer - k * size);
      IRMapping mapping;
      for (auto [operand, dim] : llvm::zip(op->getOpOperands(), outerDim)) {
        if (dim < 0)
          continue;
        auto type = cast<MemRefType>(operand.get().getType());
        SmallVector<OpFoldResult> offsets(type.getRank(),
                                          rewriter.getIndexAttr(0));
        SmallVector<OpFoldResult> sizes, strides(type.getRank(),
                                                 rewriter.getIndexAttr(1));
        for (int64_t d : type.getShape())
          sizes.push_back(rewriter.getIndexAttr(d));
        offsets[dim] = rewriter.getIndexAttr(k * size);
        sizes[dim] = rewriter.getIndexAttr(rows);
        mapping.map(operand.get(),
                    memref::SubViewOp::create(rewriter, loc, operand.get(),
                                              offsets, sizes, strides)
                        .getResult());
      }
      Operation *chunk = rewriter.clone(*op.getOperation(), mapping);
      if (k > 0)
        offsetOuterIndex(rewriter, chunk, k * size);
      scf::YieldOp::create(rewriter, loc);
    }
    rewriter.eraseOp(op);
  }
};
} // namespace
