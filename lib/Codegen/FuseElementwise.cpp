//===- FuseElementwise.cpp - the lp-fuse-elementwise pass -----------------===//
//
// Upstream's linalg-fuse-elementwise-ops also fuses into contractions: a
// batch_matmul whose result is reshaped becomes a rank-5 linalg.generic, a
// softmax division lands inside the next matmul. Such a generic is no
// longer a GEMM that BLAS or the matmul vectoriser can take, and runs as
// scalar loops. This pass uses the same upstream fusion and reshape
// propagation patterns, with a control function that keeps contractions
// (and every other named op) out of them.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace lp {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// Ops fusion may rewrite: anything but linalg ops that are named ops,
/// contractions (a generic with a multiply-add reduction) or marked for a
/// library (`library_call`: the library computes exactly that op).
bool fusible(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!linalgOp)
    return true;
  auto generic = dyn_cast<linalg::GenericOp>(op);
  return generic && !generic.getLibraryCallAttr() &&
         !linalg::isaContractionOpInterface(linalgOp);
}

struct FuseElementwise : lp::impl::FuseElementwiseBase<FuseElementwise> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      return producer && producer->hasOneUse() && fusible(producer) &&
             fusible(fused->getOwner());
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      signalPassFailure();
  }
};
} // namespace
