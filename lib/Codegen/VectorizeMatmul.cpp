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

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/Dominance.h"
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

struct VectorizeMatmul : lp::impl::VectorizeMatmulBase<VectorizeMatmul> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    SmallVector<linalg::LinalgOp> ops;
    fn.walk([&](linalg::LinalgOp op) {
      auto f32 = [](Value v) {
        return getElementTypeOrSelf(v.getType()).isF32();
      };
      if (isa<linalg::MatmulOp, linalg::BatchMatmulOp>(op) &&
          op.hasPureBufferSemantics() &&
          llvm::all_of(op->getOperands(), f32) &&
          !llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic))
        ops.push_back(op);
    });
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
