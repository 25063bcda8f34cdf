//===- StripMarkers.cpp - the lp-strip-markers pass -----------------------===//
//
// lp.backward_begin marks where a train step's backward pass begins for
// analyses of the lowered IR; codegen has nothing to make of it.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Dialect/LP/IR/LPOps.h"

namespace lp {
#define GEN_PASS_DEF_STRIPMARKERS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct StripMarkers : lp::impl::StripMarkersBase<StripMarkers> {
  void runOnOperation() override {
    getOperation().walk([](lp::BackwardBeginOp op) { op.erase(); });
  }
};
} // namespace
