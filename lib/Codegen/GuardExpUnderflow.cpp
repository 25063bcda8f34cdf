//===- GuardExpUnderflow.cpp - the lp-guard-exp-underflow pass ------------===//
//
// exp of a very negative f32 (a masked attention logit, -1e9) is exactly 0,
// but vector math libraries (glibc's libmvec) treat such lanes as special
// cases and recompute them one by one with the scalar routine. Feeding 0
// to exp in those lanes and selecting the exact result, 0, keeps every
// lane on the vector path without changing any value.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

namespace lp {
#define GEN_PASS_DEF_GUARDEXPUNDERFLOW
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
/// Below this, exp(x) in f32 rounds to +0 (exp(-104) = 6.8e-46 is under
/// half the smallest subnormal, 1.4e-45).
constexpr float kExpUnderflow = -104.0f;

struct GuardExpUnderflow
    : lp::impl::GuardExpUnderflowBase<GuardExpUnderflow> {
  void runOnOperation() override {
    SmallVector<math::ExpOp> exps;
    getOperation()->walk([&](math::ExpOp op) {
      if (op.getType().isF32() && !op->hasAttr("lp.guarded"))
        exps.push_back(op);
    });
    for (math::ExpOp op : exps) {
      OpBuilder b(op);
      Location loc = op.getLoc();
      Value x = op.getOperand();
      Value low = arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(kExpUnderflow));
      Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
      // NaN compares false: it keeps its own lane.
      Value under = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT,
                                          x, low);
      Value arg = arith::SelectOp::create(b, loc, under, zero, x);
      auto guarded = math::ExpOp::create(b, loc, arg, op.getFastmathAttr());
      guarded->setAttr("lp.guarded", b.getUnitAttr());
      Value r = arith::SelectOp::create(b, loc, under, zero, guarded);
      op.replaceAllUsesWith(r);
      op.erase();
    }
    getOperation()->walk([](math::ExpOp op) { op->removeAttr("lp.guarded"); });
  }
};
} // namespace
