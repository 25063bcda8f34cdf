//===- RematerializeCasts.cpp - casts recomputed by the backward pass -----===//
//
// A forward lp.cast whose result the backward pass reads keeps that result
// alive from forward to backward. Casting again in the backward pass gives
// the same bits (a cast is a pure function of its input), so where keeping
// the input instead costs less, the backward pass gets its own cast:
//
// - a widening cast (bf16 logits widened to f32 for the loss): the input is
//   half the size;
// - a narrowing cast of a value the backward pass reads anyway (a softmax's
//   f32 output, which its own gradient reads, cast to bf16 for the next
//   product): keeping the input costs nothing more.
//
// A narrowing cast of a function argument (a weight's bf16 copy) is kept:
// autocast casts each weight once per step and the backward pass reuses it.
// The copy carries `lp.remat`, which keeps CSE from merging it back, here
// and as a linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Transforms/Autodiff.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"

using namespace mlir;
using namespace lp;

static unsigned bitWidth(Value v) {
  return getElementTypeOrSelf(v).getIntOrFloatBitWidth();
}

void lp::rematerializeCasts(ArrayRef<Operation *> forward,
                            Operation *lastForward) {
  Block *block = lastForward->getBlock();
  llvm::DenseSet<Operation *> backward;
  for (Operation &op :
       llvm::make_range(std::next(lastForward->getIterator()), block->end()))
    backward.insert(&op);
  auto readByBackward = [&](Value v) {
    return llvm::any_of(v.getUsers(),
                        [&](Operation *u) { return backward.contains(u); });
  };
  for (Operation *op : forward) {
    auto cast = dyn_cast<CastOp>(op);
    if (!cast || !readByBackward(cast.getResult()))
      continue;
    Value input = cast.getInput();
    bool widening = bitWidth(cast.getResult()) > bitWidth(input);
    if (!widening && (isa<BlockArgument>(input) || !readByBackward(input)))
      continue;
    // Before the first backward op that reads it (the block is in order).
    Operation *first = nullptr;
    for (Operation *u : cast.getResult().getUsers())
      if (backward.contains(u) && (!first || u->isBeforeInBlock(first)))
        first = u;
    OpBuilder b(first);
    Operation *again = b.clone(*cast);
    again->setAttr(kRematAttr, b.getUnitAttr());
    cast.getResult().replaceUsesWithIf(
        again->getResult(0),
        [&](OpOperand &use) { return backward.contains(use.getOwner()); });
  }
}
