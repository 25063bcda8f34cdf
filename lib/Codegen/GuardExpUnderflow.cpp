//===- GuardExpUnderflow.cpp - the lp-guard-exp-underflow pass ------------===//
//
// exp of a very negative f32 (a masked attention logit, -1e9) is 0 or
// subnormal, and vector math libraries (glibc's libmvec) treat such lanes
// as special cases, recomputing them one by one with the scalar routine.
// The rewrite keeps every lane's exp argument in the normal range:
//
//   y = maximumf(x, -150)                  (exp(-150) rounds to +0 already)
//   u = y < -87                            (exp(y) would not be normal)
//   r = u ? exp(y + 64) * exp(-64) : exp(y)
//
// y + 64 is exact for y in [-150, -87) (both are multiples of y's ulp and
// the sum is smaller), and exp(-64) is a normal f32, so the subnormal
// results are within about an ulp of the correctly rounded ones, and
// inputs below -104 still give exactly +0. NaN stays NaN (maximumf
// propagates it, and compares false).
//
// An earlier form, select(x < -104, 0, exp(select(x < -104, 0, x))), did
// not survive LLVM: InstCombine replaced the inner select under the outer
// one's condition, and exp saw -1e9 again.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include <cmath>

namespace lp {
#define GEN_PASS_DEF_GUARDEXPUNDERFLOW
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {
/// exp(-150) is far below half the smallest subnormal (exp(-103.98)).
constexpr float kExpFloor = -150.0f;
/// Below -87.33, exp(x) is under the smallest normal f32 (2^-126).
constexpr float kExpNormal = -87.0f;
/// The shift: a power of two, so y + 64 is exact for y in [-150, -87).
constexpr float kShift = 64.0f;

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
      auto cst = [&](float v) {
        return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v))
            .getResult();
      };
      Value y = arith::MaximumFOp::create(b, loc, op.getOperand(),
                                          cst(kExpFloor));
      Value small = arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OLT, y, cst(kExpNormal));
      Value shifted = arith::AddFOp::create(b, loc, y, cst(kShift));
      Value arg = arith::SelectOp::create(b, loc, small, shifted, y);
      auto e = math::ExpOp::create(b, loc, arg, op.getFastmathAttr());
      e->setAttr("lp.guarded", b.getUnitAttr());
      Value scale = arith::SelectOp::create(
          b, loc, small, cst(std::exp(-kShift)), cst(1.0f));
      Value r = arith::MulFOp::create(b, loc, e, scale);
      op.replaceAllUsesWith(r);
      op.erase();
    }
    getOperation()->walk([](math::ExpOp op) { op->removeAttr("lp.guarded"); });
  }
};
} // namespace
