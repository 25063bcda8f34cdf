//===- FreeAfterLastUse.cpp - the lp-free-after-last-use pass -------------===//
//
// Upstream's ownership-based buffer deallocation frees a block's buffers at
// the end of the block: a train step would hold every buffer it allocates,
// forward and backward, until it returns. This pass moves each
// `memref.dealloc` of a buffer allocated in the same block to just after
// the last op of the block that uses the buffer or a view of it (an op
// result of memref type made from it, transitively). A buffer with a view
// that may alias it elsewhere (passed to a terminator: returned, yielded
// out of a loop or branch; stored to memory; its address taken; a tensor
// made of it) is left alone, as is every dealloc outside a function's body
// block.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace lp {
#define GEN_PASS_DEF_FREEAFTERLASTUSE
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// The last op of `block` that uses `buffer` or a view of it, other than
/// `dealloc`; null if a view escapes (a return, a store of the memref).
Operation *lastUse(Value buffer, memref::DeallocOp dealloc, Block *block) {
  Operation *last = buffer.getDefiningOp();
  for (Value view : lp::viewsOf(buffer)) {
    for (OpOperand &use : view.getUses()) {
      Operation *user = use.getOwner();
      if (user == dealloc.getOperation())
        continue;
      // Where an alias may be made that is not a result of the user: a
      // terminator (a loop or branch result, a return), a store of the
      // memref itself, its address as a number, a tensor over it.
      if (user->hasTrait<OpTrait::IsTerminator>() ||
          user->hasTrait<OpTrait::ReturnLike>() ||
          (isa<memref::StoreOp>(user) && use.getOperandNumber() == 0) ||
          isa<memref::ExtractAlignedPointerAsIndexOp,
              bufferization::ToTensorOp>(user))
        return nullptr;
      Operation *top = block->findAncestorOpInBlock(*user);
      if (!top)
        return nullptr;
      if (last->isBeforeInBlock(top))
        last = top;
    }
  }
  return last;
}

struct FreeAfterLastUse : lp::impl::FreeAfterLastUseBase<FreeAfterLastUse> {
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      Block *block = &fn.getBody().front();
      SmallVector<memref::DeallocOp> deallocs(
          block->getOps<memref::DeallocOp>());
      for (memref::DeallocOp dealloc : deallocs) {
        Value buffer = dealloc.getMemref();
        auto alloc = buffer.getDefiningOp<memref::AllocOp>();
        if (!alloc || alloc->getBlock() != block)
          continue;
        Operation *last = lastUse(buffer, dealloc, block);
        if (last && last->isBeforeInBlock(dealloc))
          dealloc->moveAfter(last);
      }
    }
  }
};

} // namespace
