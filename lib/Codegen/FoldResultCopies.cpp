//===- FoldResultCopies.cpp - the lp-fold-result-copies pass --------------===//
//
// buffer-results-to-out-params returns a result by copying its buffer into
// an out-parameter right before the return. When that buffer is a fresh
// allocation of the function (or a collapse_shape of one) used by nothing
// after the copy, the function can compute into the out-parameter instead:
// the allocation goes, the copy goes. (Upstream's hoist-static-allocs does
// the same but crashes in MLIR 22 when one buffer is returned twice.)
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace lp {
#define GEN_PASS_DEF_FOLDRESULTCOPIES
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// True when every user of `v` other than `copy`, and every user of a view
/// of `v` (subview, reshape, cast, ...), is before `copy` in the function
/// body (compared through the users' ancestors in `copy`'s block): a later
/// access through a view would see the out-parameter after the fold.
bool onlyUsedBefore(Value v, Operation *copy) {
  Block *block = copy->getBlock();
  SmallVector<Value> values{v};
  while (!values.empty()) {
    Value current = values.pop_back_val();
    for (Operation *user : current.getUsers()) {
      if (user == copy)
        continue;
      Operation *top = block->findAncestorOpInBlock(*user);
      if (!top || !top->isBeforeInBlock(copy))
        return false;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == current)
          llvm::append_range(values, user->getResults());
    }
  }
  return true;
}

/// A static allocation with the identity layout in `block`, or null.
memref::AllocOp freshAlloc(Value v, Block *block) {
  auto alloc = v.getDefiningOp<memref::AllocOp>();
  if (!alloc || alloc->getBlock() != block ||
      !alloc.getType().hasStaticShape() ||
      !alloc.getType().getLayout().isIdentity())
    return nullptr;
  return alloc;
}

struct FoldResultCopies : lp::impl::FoldResultCopiesBase<FoldResultCopies> {
  void runOnOperation() override {
    for (func::FuncOp fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal())
        continue;
      Block &entry = fn.getBody().front();
      for (auto copy :
           llvm::make_early_inc_range(entry.getOps<memref::CopyOp>()))
        fold(copy, entry);
    }
  }

  /// Makes the allocation behind `copy`'s source the out-parameter it is
  /// copied into, when nothing else can tell the difference.
  void fold(memref::CopyOp copy, Block &entry) {
    auto out = dyn_cast<BlockArgument>(copy.getTarget());
    if (!out || out.getOwner() != &entry || !out.hasOneUse())
      return;
    auto outType = dyn_cast<MemRefType>(out.getType());
    if (!outType || !outType.getLayout().isIdentity())
      return;
    Value source = copy.getSource();
    auto collapse = source.getDefiningOp<memref::CollapseShapeOp>();
    memref::AllocOp alloc =
        freshAlloc(collapse ? collapse.getSrc() : source, &entry);
    if (!alloc || source.getType() != outType ||
        !onlyUsedBefore(source, copy))
      return;
    if (collapse && (collapse->getBlock() != &entry ||
                     !onlyUsedBefore(alloc.getResult(), copy)))
      return;
    Value replacement = out;
    if (collapse) {
      OpBuilder b(&entry, entry.begin());
      replacement = memref::ExpandShapeOp::create(
          b, collapse.getLoc(), alloc.getType(), out,
          collapse.getReassociationIndices());
    }
    copy.erase();
    if (collapse) {
      collapse.replaceAllUsesWith(out);
      collapse.erase();
    }
    alloc.replaceAllUsesWith(replacement);
    alloc.erase();
  }
};
} // namespace
