//===- VectorizeMatmul.cpp - the lp-vectorize-matmul pass -----------------===//
//
// The generated matmul path: register tiling and vectorisation of
// linalg.matmul / linalg.batch_matmul on buffers, the classic outer-product
// micro-kernel. Each (m, n) tile of the result (up to 8 x 32 f32: 16 AVX-512
// or 32 AVX2 registers) is read once, updated by one outer product per k
// (a column of A broadcast against a row of B, as FMAs) and written once.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Codegen/RuntimeCalls.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/CSE.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace lp {
#define GEN_PASS_DEF_VECTORIZEMATMUL
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// The largest of `candidates` (descending) that divides `n`.
int64_t dividingTile(int64_t n, ArrayRef<int64_t> candidates) {
  for (int64_t c : candidates)
    if (n % c == 0)
      return c;
  return 1;
}

/// Keeps the result tile of a vectorised matmul in registers across its k
/// loop: in a loop whose body reads the tile (transfer_read of a
/// loop-invariant memref at loop-invariant indices) and writes the
/// contraction back to the same place, the read moves before the loop,
/// the value becomes an iter_arg and the write moves after the loop.
/// Upstream's hoistRedundantVectorTransfers does this only for locally
/// allocated buffers (function arguments might alias); here the memref is
/// the matmul's own output, which linalg's semantics keep apart from its
/// inputs.
void hoistResultTile(RewriterBase &rewriter, scf::ForOp loop) {
  SmallVector<vector::TransferWriteOp> writes(
      loop.getBody()->getOps<vector::TransferWriteOp>());
  if (writes.size() != 1)
    return;
  vector::TransferWriteOp write = writes.front();
  auto contract =
      write.getVector().getDefiningOp<vector::ContractionOp>();
  auto read = contract ? contract.getAcc().getDefiningOp<vector::TransferReadOp>()
                       : vector::TransferReadOp();
  if (!read || read.getBase() != write.getBase() ||
      read.getIndices() != write.getIndices() ||
      read.getVectorType() != write.getVectorType() ||
      !read->hasOneUse() || read->getBlock() != loop.getBody())
    return;
  auto invariant = [&](Value v) {
    return !loop.getRegion().isAncestor(v.getParentRegion());
  };
  if (!invariant(read.getBase()) || !llvm::all_of(read.getIndices(), invariant))
    return;
  rewriter.moveOpBefore(read, loop);
  auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
      rewriter, read.getResult(), /*replaceInitOperandUsesInLoop=*/true,
      [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
        return SmallVector<Value>{write.getVector()};
      }));
  rewriter.setInsertionPointAfter(newLoop);
  rewriter.modifyOpInPlace(write, [&] {
    write.getValueToStoreMutable().assign(newLoop.getResults().back());
  });
  rewriter.moveOpAfter(write, newLoop);
}

/// Whether only the outermost loop of `op` (m, or the batch) has a dynamic
/// range: a block of rows of a product that lp-parallelize-kernels split
/// by the run-time thread count.
bool onlyOuterDynamic(linalg::LinalgOp op) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  return !ranges.empty() && ShapedType::isDynamic(ranges.front()) &&
         llvm::none_of(ArrayRef(ranges).drop_front(), ShapedType::isDynamic);
}

/// Replaces `op`, whose outermost loop has a dynamic range, by copies on
/// static blocks of that loop: a loop over full blocks of `block` rows,
/// then a loop over the remaining rows one at a time. Returns the copies
/// (each with static ranges), or nothing when an operand indexes the loop
/// other than plainly.
SmallVector<linalg::LinalgOp>
staticOuterBlocks(RewriterBase &rewriter, linalg::LinalgOp op, int64_t block) {
  MLIRContext *ctx = op->getContext();
  AffineExpr outer = getAffineDimExpr(0, ctx);
  // Which dimension of each operand the outer loop indexes (-1: none).
  SmallVector<int> dims;
  Value extent;
  for (OpOperand &operand : op->getOpOperands()) {
    int dim = -1;
    for (auto [i, e] :
         llvm::enumerate(op.getMatchingIndexingMap(&operand).getResults())) {
      if (e == outer)
        dim = i;
      else if (e.isFunctionOfDim(0))
        return {};
    }
    dims.push_back(dim);
  }
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  for (auto [operand, dim] : llvm::zip(op->getOpOperands(), dims))
    if (dim >= 0 && !extent)
      extent = memref::DimOp::create(rewriter, loc, operand.get(), dim);
  if (!extent)
    return {};
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  Value step = arith::ConstantIndexOp::create(rewriter, loc, block);
  Value full = arith::SubIOp::create(
      rewriter, loc, extent,
      arith::RemUIOp::create(rewriter, loc, extent, step));
  SmallVector<linalg::LinalgOp> copies;
  auto emit = [&](Value lb, Value ub, Value st, int64_t size) {
    auto loop = scf::ForOp::create(rewriter, loc, lb, ub, st);
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPoint(loop.getBody()->getTerminator());
    IRMapping mapping;
    for (auto [operand, dim] : llvm::zip(op->getOpOperands(), dims))
      if (dim >= 0)
        mapping.map(operand.get(),
                    lp::subviewAlong(rewriter, loc, operand.get(), dim,
                                     loop.getInductionVar(),
                                     rewriter.getIndexAttr(size)));
    copies.push_back(
        cast<linalg::LinalgOp>(rewriter.clone(*op.getOperation(), mapping)));
  };
  emit(zero, full, step, block);
  emit(full, extent, one, 1);
  rewriter.eraseOp(op);
  return copies;
}

struct VectorizeMatmul : lp::impl::VectorizeMatmulBase<VectorizeMatmul> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    SmallVector<linalg::LinalgOp> ops, dynamicOuter;
    fn.walk([&](linalg::LinalgOp op) {
      auto f32 = [](Value v) {
        return getElementTypeOrSelf(v.getType()).isF32();
      };
      if (!isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) ||
          !op.hasPureBufferSemantics() || !llvm::all_of(op->getOperands(), f32))
        return;
      if (!llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
        ops.push_back(op);
      else if (onlyOuterDynamic(op))
        dynamicOuter.push_back(op);
    });
    {
      // Blocks of rows with a run-time size: static blocks of 8 rows (of 1
      // batch) and single remaining rows, each tiled as below.
      IRRewriter rewriter(&getContext());
      for (linalg::LinalgOp op : dynamicOuter)
        llvm::append_range(
            ops, staticOuterBlocks(rewriter, op,
                                   isa<linalg::BatchMatmulOp>(op) ? 1 : 8));
    }
    if (ops.empty())
      return;
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      SmallVector<int64_t> bounds = op.getStaticLoopRanges();
      bool batched = isa<linalg::BatchMatmulOp>(op);
      unsigned off = batched ? 1 : 0;
      // Tiles that divide the problem: every tile is full and static.
      SmallVector<int64_t> tiles(bounds.size(), 1);
      tiles[off] = dividingTile(bounds[off], {8, 4, 2});
      tiles[off + 1] = dividingTile(bounds[off + 1], {32, 16, 8, 4, 2});
      rewriter.setInsertionPoint(op);
      auto tiled = linalg::tileLinalgOp(
          rewriter, op, linalg::LinalgTilingOptions().setTileSizes(tiles));
      if (failed(tiled))
        continue;
      rewriter.eraseOp(op);
      rewriter.setInsertionPoint(tiled->op);
      // As one vector.contract (lowered to outer products below), not
      // broadcast + multiply + multi_reduction.
      FailureOr<linalg::VectorizationResult> vec = linalg::vectorize(
          rewriter, tiled->op, /*inputVectorSizes=*/{},
          /*inputScalableVecDims=*/{}, /*vectorizeNDExtract=*/false,
          /*flatten1DDepthwiseConv=*/false,
          /*assumeDynamicDimsMatchVecSizes=*/false,
          /*createNamedContraction=*/true);
      if (failed(vec))
        continue;
      rewriter.replaceOp(tiled->op, vec->replacements);
    }
    // Keep each result tile in registers across the k loop: merge the
    // equal index constants of the tile's read and write (hoisting needs
    // the same values), move the tile's subview out of the k loop, then
    // its reads and writes.
    DominanceInfo dominance(fn);
    eliminateCommonSubExpressions(rewriter, dominance, fn);
    fn.walk([](LoopLikeOpInterface loop) { moveLoopInvariantCode(loop); });
    SmallVector<scf::ForOp> loops;
    fn.walk([&](scf::ForOp loop) { loops.push_back(loop); });
    for (scf::ForOp loop : loops)
      hoistResultTile(rewriter, loop);

    RewritePatternSet patterns(&getContext());
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorTransposeLoweringPatterns(
        patterns, vector::VectorTransposeLowering::EltWise);
    vector::populateVectorBroadcastLoweringPatterns(patterns);
    vector::populateVectorShapeCastLoweringPatterns(patterns);
    populateVectorToSCFConversionPatterns(
        patterns, VectorTransferToSCFOptions().enableFullUnroll());
    vector::populateVectorTransferLoweringPatterns(patterns,
                                                   /*maxTransferRank=*/1);
    if (failed(applyPatternsGreedily(fn, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
