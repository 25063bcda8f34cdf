//===- InlineAllocaScopes.cpp - lp-inline-alloca-scopes -------------------===//
//
// convert-scf-to-openmp wraps each parallel loop body in a
// memref.alloca_scope. Once the body's inner scf.for loops become blocks
// (convert-scf-to-cf) the scope would hold several blocks, which it may
// not. A scope without a memref.alloca inside frees nothing, so it is
// replaced by its body here, before the loops are lowered.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace lp {
#define GEN_PASS_DEF_INLINEALLOCASCOPES
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct InlineAllocaScopes
    : lp::impl::InlineAllocaScopesBase<InlineAllocaScopes> {
  void runOnOperation() override {
    SmallVector<memref::AllocaScopeOp> scopes;
    getOperation()->walk([&](memref::AllocaScopeOp scope) {
      bool allocates = scope
                           ->walk([](memref::AllocaOp) {
                             return WalkResult::interrupt();
                           })
                           .wasInterrupted();
      if (!allocates && scope.getNumResults() == 0)
        scopes.push_back(scope);
    });
    IRRewriter rewriter(&getContext());
    for (memref::AllocaScopeOp scope : scopes) {
      Block &body = scope.getBodyRegion().front();
      rewriter.eraseOp(body.getTerminator());
      rewriter.inlineBlockBefore(&body, scope);
      rewriter.eraseOp(scope);
    }
  }
};
} // namespace
