//===- SavedBuffers.cpp - the lp-saved-buffers pass -----------------------===//
//
// The memory a bufferized train step holds from its forward pass into its
// backward pass: the buffers allocated before lp.backward_begin and still
// used after it. A buffer is used after the marker when an op after it, at
// the function's top level or nested in one, uses the buffer or a view of
// it (any op result of memref type that an op makes from an operand of
// memref type: subviews, reshapes, casts) or deallocates it. Counting the
// deallocation makes the figure the memory held, not only the memory read.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <map>

namespace lp {
#define GEN_PASS_DEF_SAVEDBUFFERS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

/// Bytes per element type name, and the number of buffers.
struct Saved {
  std::map<std::string, int64_t> bytes;
  int64_t buffers = 0;
  int64_t total() const {
    int64_t t = 0;
    for (auto &[name, n] : bytes)
      t += n;
    return t;
  }
};

/// Whether `buffer`, or a view made from it, is used by an op that comes
/// after `marker` (the op itself, or its ancestor in the marker's block).
bool usedAfter(Value buffer, Operation *marker) {
  Block *block = marker->getBlock();
  for (Value view : lp::viewsOf(buffer))
    for (Operation *user : view.getUsers())
      if (Operation *top = block->findAncestorOpInBlock(*user);
          top && marker->isBeforeInBlock(top))
        return true;
  return false;
}

int64_t bytesOf(MemRefType type) {
  return type.getNumElements() * ((type.getElementTypeBitWidth() + 7) / 8);
}

/// The bytes the top-level block allocates in all, and the most it holds
/// at once (memref.dealloc at the top level gives a buffer back).
std::pair<int64_t, int64_t> allocatedAndPeak(Block &block) {
  int64_t all = 0, held = 0, peak = 0;
  for (Operation &op : block) {
    if (isa<memref::AllocOp, memref::AllocaOp>(op)) {
      auto type = cast<MemRefType>(op.getResult(0).getType());
      if (!type.hasStaticShape())
        continue;
      all += bytesOf(type);
      held += bytesOf(type);
      peak = std::max(peak, held);
    } else if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      Operation *def = dealloc.getMemref().getDefiningOp();
      auto type = cast<MemRefType>(dealloc.getMemref().getType());
      if (def && def->getBlock() == &block && type.hasStaticShape() &&
          isa<memref::AllocOp>(def))
        held -= bytesOf(type);
    }
  }
  return {all, peak};
}

Saved countAcross(Operation *marker) {
  Saved saved;
  for (Operation &op : *marker->getBlock()) {
    if (&op == marker)
      break;
    if (!isa<memref::AllocOp, memref::AllocaOp>(op))
      continue;
    Value buffer = op.getResult(0);
    auto type = cast<MemRefType>(buffer.getType());
    if (!type.hasStaticShape() || !usedAfter(buffer, marker))
      continue;
    std::string name;
    llvm::raw_string_ostream os(name);
    os << type.getElementType();
    saved.bytes[name] += bytesOf(type);
    ++saved.buffers;
  }
  return saved;
}

struct SavedBuffers : lp::impl::SavedBuffersBase<SavedBuffers> {
  using SavedBuffersBase::SavedBuffersBase;
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || (!function.empty() && fn.getSymName() != function))
        continue;
      std::optional<Saved> largest;
      for (auto marker : fn.getBody().getOps<lp::BackwardBeginOp>()) {
        Saved s = countAcross(marker);
        if (!largest || s.total() > largest->total())
          largest = s;
      }
      if (!largest)
        continue;
      llvm::outs() << "saved buffers: @" << fn.getSymName() << "\n"
                   << "  live across backward_begin: ";
      if (largest->bytes.empty())
        llvm::outs() << "-";
      bool first = true;
      for (auto &[name, n] : largest->bytes) {
        llvm::outs() << (first ? "" : ", ") << name << " " << n;
        first = false;
      }
      llvm::outs() << " (" << largest->buffers << " buffers)\n";
      auto [all, peak] = allocatedAndPeak(fn.getBody().front());
      llvm::outs() << "  allocated: " << all << ", held at most: " << peak
                   << "\n";
    }
  }
};

} // namespace
