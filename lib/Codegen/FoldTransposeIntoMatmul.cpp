//===- FoldTransposeIntoMatmul.cpp - lp-fold-transpose-into-matmul --------===//
//
// The backward pass multiplies by transposed operands (dW = X^T dY,
// dX = dY W^T). Materialising the transpose costs a copy; a matmul with
// transposed indexing maps reads the operand in place, and both the BLAS
// call (transA/transB) and the vectorised code handle such maps.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lp {
#define GEN_PASS_DEF_FOLDTRANSPOSEINTOMATMUL
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// The indexing map of the transpose's input, given the map `outMap` its
/// output is read with: out[j] = in[k] with k[perm[i]] = j[i].
AffineMap mapThroughTranspose(AffineMap outMap, ArrayRef<int64_t> perm) {
  SmallVector<AffineExpr> results(outMap.getNumResults());
  for (auto [i, p] : llvm::enumerate(perm))
    results[p] = outMap.getResult(i);
  return AffineMap::get(outMap.getNumDims(), 0, results,
                        outMap.getContext());
}

template <typename MatmulT>
struct FoldTranspose : OpRewritePattern<MatmulT> {
  using OpRewritePattern<MatmulT>::OpRewritePattern;

  LogicalResult matchAndRewrite(MatmulT op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    SmallVector<Value> inputs(op.getDpsInputs());
    bool changed = false;
    for (int i = 0; i < 2; ++i) {
      auto transpose = inputs[i].template getDefiningOp<linalg::TransposeOp>();
      if (!transpose)
        continue;
      // batch_matmul's maps must keep the batch dimension first.
      ArrayRef<int64_t> perm = transpose.getPermutation();
      if (isa<linalg::BatchMatmulOp>(op) && perm.front() != 0)
        continue;
      maps[i] = mapThroughTranspose(maps[i], transpose.getPermutation());
      inputs[i] = transpose.getInput();
      changed = true;
    }
    if (!changed)
      return failure();
    SmallVector<Attribute> mapAttrs;
    for (AffineMap m : maps)
      mapAttrs.push_back(AffineMapAttr::get(m));
    // Keep the op's other attributes (e.g. `cast`).
    SmallVector<NamedAttribute> attrs;
    for (NamedAttribute attr : op->getAttrs())
      if (attr.getName() != "indexing_maps" &&
          attr.getName() != "operandSegmentSizes")
        attrs.push_back(attr);
    auto folded = MatmulT::create(rewriter, op.getLoc(),
                                  op->getResultTypes(), inputs,
                                  op.getDpsInits(), attrs);
    folded->setAttr("indexing_maps", rewriter.getArrayAttr(mapAttrs));
    rewriter.replaceOp(op, folded->getResults());
    return success();
  }
};

struct FoldTransposeIntoMatmul
    : lp::impl::FoldTransposeIntoMatmulBase<FoldTransposeIntoMatmul> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldTranspose<linalg::MatmulOp>,
                 FoldTranspose<linalg::BatchMatmulOp>>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
