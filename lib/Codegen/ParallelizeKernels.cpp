//===- ParallelizeKernels.cpp - lp-parallelize-kernels --------------------===//
//
// Splits the outermost parallel loop of every large enough linalg op on
// buffers into blocks of rows run by an `scf.parallel` (which
// convert-scf-to-openmp makes an OpenMP parallel loop), each block the op on
// subviews of its rows. How many blocks: `threads`, or by default as many as
// the runtime's OpenMP threads, asked at run time (`lp_num_threads()`), so
// that a step compiled on one machine uses the cores of the one it runs on.
// Small ops stay sequential: forking costs microseconds, more than a small
// kernel takes.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Codegen/RuntimeCalls.h"

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
    if (threads == 1)
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
      if (work >= int64_t(minWork) && ranges.front() >= 2 && isRowBlockable(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops)
      if (failed(split(rewriter, op)))
        return signalPassFailure();
  }

  /// Which result of each operand's indexing map is the outer loop (-1:
  /// none, a scalar or an operand the outer loop does not index).
  static SmallVector<int> outerDims(linalg::LinalgOp op) {
    SmallVector<int> dims;
    for (OpOperand &operand : op->getOpOperands()) {
      int dim = -1;
      if (isa<MemRefType>(operand.get().getType())) {
        AffineMap map = op.getMatchingIndexingMap(&operand);
        for (auto [i, e] : llvm::enumerate(map.getResults()))
          if (e == getAffineDimExpr(0, op->getContext()))
            dim = i;
      }
      dims.push_back(dim);
    }
    return dims;
  }

  /// Whether every operand indexes the outer loop plainly or not at all
  /// (an expression of it, a window, keeps the op sequential).
  static bool isRowBlockable(linalg::LinalgOp op) {
    AffineExpr outer = getAffineDimExpr(0, op->getContext());
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<MemRefType>(operand.get().getType()))
        continue;
      for (AffineExpr e : op.getMatchingIndexingMap(&operand).getResults())
        if (e != outer && e.isFunctionOfDim(0))
          return false;
    }
    return true;
  }

  /// In a block starting at row `first`, `linalg.index 0` counts from the
  /// block's first row; bodies that use it (window gradients that load
  /// from buffers outside the op, masks computed from positions) need the
  /// row in the whole op: index + first.
  static void offsetOuterIndex(IRRewriter &rewriter, Operation *block,
                               Value first) {
    SmallVector<linalg::IndexOp> indices;
    block->walk([&](linalg::IndexOp index) {
      if (index.getDim() == 0 &&
          index->getParentOfType<linalg::LinalgOp>() == block)
        indices.push_back(index);
    });
    for (linalg::IndexOp index : indices) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfter(index);
      auto global =
          arith::AddIOp::create(rewriter, index.getLoc(), index, first);
      rewriter.replaceAllUsesExcept(index, global, global);
    }
  }

  /// Replaces `op` by `scf.parallel %c = 0 to count { op on rows
  /// [c * size, min((c + 1) * size, outer)) }`.
  LogicalResult split(IRRewriter &rewriter, linalg::LinalgOp op) {
    int64_t outer = op.getStaticLoopRanges().front();
    SmallVector<int> outerDim = outerDims(op);
    Location loc = op.getLoc();
    rewriter.setInsertionPoint(op);
    OpFoldResult threadsValue =
        lp::threadCount(rewriter, loc, op->getParentOfType<ModuleOp>(), threads,
                        "lp-parallelize-kernels");
    if (!threadsValue)
      return failure();
    lp::Blocks blocks =
        lp::splitIntoBlocks(rewriter, loc, outer, threadsValue, 1);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value total = arith::ConstantIndexOp::create(rewriter, loc, outer);
    auto loop =
        scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                ValueRange{blocks.count}, ValueRange{one});
    rewriter.setInsertionPointToStart(loop.getBody());
    Value first = arith::MulIOp::create(
        rewriter, loc, loop.getInductionVars()[0], blocks.size);
    Value rows = arith::MinSIOp::create(
        rewriter, loc, blocks.size,
        arith::SubIOp::create(rewriter, loc, total, first));
    IRMapping mapping;
    for (auto [operand, dim] : llvm::zip(op->getOpOperands(), outerDim))
      if (dim >= 0)
        mapping.map(
            operand.get(),
            lp::subviewAlong(rewriter, loc, operand.get(), dim, first, rows));
    Operation *block = rewriter.clone(*op.getOperation(), mapping);
    offsetOuterIndex(rewriter, block, first);
    rewriter.eraseOp(op);
    return success();
  }
};
} // namespace
