//===- OutlineBlocks.cpp - the lp-outline-blocks pass ---------------------===//
//
// A model that repeats a block (`blk0.*`, `blk1.*`, ... or `layers.0.*`,
// `layers.1.*`, ...) has, after lp-build-train-step, one copy of the
// block's forward and one of its backward ops per instance. Everything
// downstream (bufferization, LLVM) would then work on N copies of the same
// code, and one-shot bufferization grows faster than linearly with the
// size of a function. This pass finds the contiguous runs of ops that
// belong to one block instance, and where two or more runs are the same
// code (same ops, attributes, types and dataflow; only `lp.layer` names
// differ) outlines them into one private function called once per run.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Transforms/Passes.h"
#include "lp/Utils/Outlining.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

#include <set>

namespace lp {
#define GEN_PASS_DEF_OUTLINEBLOCKS
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {
/// The block instance of a layer name and its template: the name up to its
/// first indexed component. "blk3.attn.q" -> ("blk3", "blkN");
/// "layers.3.mlp" -> ("layers.3", "layers.N"); "head" -> none.
std::optional<std::pair<std::string, std::string>>
blockInstance(StringRef layer) {
  SmallVector<StringRef> parts;
  layer.split(parts, '.');
  for (auto [i, part] : llvm::enumerate(parts)) {
    size_t digits = part.size() - part.rtrim("0123456789").size();
    if (digits == 0)
      continue;
    ArrayRef<StringRef> all(parts);
    std::string instance = llvm::join(all.take_front(i + 1), ".");
    SmallVector<StringRef> tmpl(all.take_front(i));
    std::string last = (part.drop_back(digits) + "N").str();
    tmpl.push_back(last);
    return std::make_pair(instance, llvm::join(tmpl, "."));
  }
  return std::nullopt;
}

/// A contiguous run of ops of one block instance.
struct Run {
  SmallVector<Operation *> ops;
  std::string tmpl;
  std::string signature;
};

/// The values a run reads from outside (not constants), in first-use
/// order: the outlined function's arguments. Recomputed when outlining,
/// since outlining an earlier group replaces the values a run reads.
using OpSet = llvm::SmallPtrSet<Operation *, 32>;

OpSet opsOf(const Run &run) { return OpSet(run.ops.begin(), run.ops.end()); }

llvm::SetVector<Value> inputsOf(const Run &run) {
  OpSet inRun = opsOf(run);
  llvm::SetVector<Value> inputs;
  for (Operation *op : run.ops)
    for (Value v : op->getOperands())
      if (!inRun.contains(v.getDefiningOp()) && !isConstant(v))
        inputs.insert(v);
  return inputs;
}

/// The run's code with its values numbered: equal for runs that can share
/// one function.
std::string signatureOf(const Run &run) {
  DenseMap<Operation *, unsigned> index;
  for (auto [i, op] : llvm::enumerate(run.ops))
    index[op] = i;
  DenseMap<Value, unsigned> inputIndex;
  std::string signature;
  llvm::raw_string_ostream os(signature);
  for (Operation *op : run.ops) {
    os << op->getName() << "(";
    for (Value v : op->getOperands()) {
      Operation *def = v.getDefiningOp();
      if (def && index.count(def)) {
        os << "r" << index[def] << "." << cast<OpResult>(v).getResultNumber();
      } else if (isConstant(v)) {
        os << "c{" << genericText(def) << "}";
      } else {
        auto [it, inserted] = inputIndex.try_emplace(v, inputIndex.size());
        os << "a" << it->second << ":" << v.getType();
      }
      os << ",";
    }
    NamedAttrList attrs(op->getAttrDictionary());
    attrs.erase(kLayerAttr);
    os << ")" << attrs.getDictionary(op->getContext()) << "->(";
    llvm::interleaveComma(op->getResultTypes(), os);
    os << ");";
  }
  return signature;
}

bool outlinable(Operation &op) {
  return op.getNumRegions() == 0 && !op.hasTrait<OpTrait::IsTerminator>() &&
         isMemoryEffectFree(&op);
}

/// Splits a block into runs of ops of one block instance. Constants
/// between them neither end a run nor join it (they are cloned into the
/// outlined function).
void collectRuns(Block &block, unsigned minOps,
                 std::vector<std::unique_ptr<Run>> &runs) {
  std::unique_ptr<Run> current;
  std::string currentInstance;
  auto flush = [&] {
    if (current && current->ops.size() >= minOps)
      runs.push_back(std::move(current));
    current.reset();
    currentInstance.clear();
  };
  for (Operation &op : block) {
    auto layer = op.getAttrOfType<StringAttr>(kLayerAttr);
    auto instance = layer ? blockInstance(layer.getValue()) : std::nullopt;
    if (!instance || !outlinable(op)) {
      bool neutral = !layer && op.getNumResults() == 1 &&
                     matchPattern(op.getResult(0), m_Constant());
      if (!neutral)
        flush();
      continue;
    }
    if (current && instance->first != currentInstance)
      flush();
    if (!current) {
      current = std::make_unique<Run>();
      current->tmpl = instance->second;
      currentInstance = instance->first;
    }
    current->ops.push_back(&op);
  }
  flush();
}

std::string symbolFor(StringRef tmpl) {
  std::string name = "block_";
  for (char c : tmpl)
    name += llvm::isAlnum(c) ? c : '_';
  return name;
}

struct OutlineBlocks : lp::impl::OutlineBlocksBase<OutlineBlocks> {
  using OutlineBlocksBase::OutlineBlocksBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Dead code first (the reverse pass differentiates every float input,
    // e.g. a constant mask): outlined, it would become a live result.
    IRRewriter rewriter(module.getContext());
    for (auto fn : module.getOps<func::FuncOp>())
      (void)runRegionDCE(rewriter, fn.getBody());
    std::vector<std::unique_ptr<Run>> runs;
    for (auto fn : module.getOps<func::FuncOp>())
      for (Block &block : fn.getBody())
        collectRuns(block, minOps, runs);

    llvm::MapVector<StringRef, SmallVector<Run *>> groups;
    for (auto &run : runs) {
      run->signature = signatureOf(*run);
      groups[run->signature].push_back(run.get());
    }

    SymbolTable symbols(module);
    OpBuilder b(module.getContext());
    for (auto &[signature, group] : groups) {
      if (group.size() < 2)
        continue;
      outline(group, symbols, b);
    }
  }

  void outline(ArrayRef<Run *> group, SymbolTable &symbols, OpBuilder &b) {
    Run &first = *group.front();
    llvm::SetVector<Value> firstInputs = inputsOf(first);
    // Results any run uses after itself (the union: the eval function's
    // forward needs fewer than the train step's).
    std::set<std::pair<unsigned, unsigned>> escapes;
    for (Run *run : group) {
      OpSet inRun = opsOf(*run);
      for (auto [i, op] : llvm::enumerate(run->ops))
        for (OpResult r : op->getResults())
          if (llvm::any_of(r.getUsers(), [&](Operation *user) {
                return !inRun.contains(user);
              }))
            escapes.insert({unsigned(i), r.getResultNumber()});
    }
    SmallVector<Type> resultTypes;
    for (auto [i, j] : escapes)
      resultTypes.push_back(first.ops[i]->getResult(j).getType());

    SmallVector<Value> escaping;
    for (auto [i, j] : escapes)
      escaping.push_back(first.ops[i]->getResult(j));
    b.setInsertionPointToEnd(getOperation().getBody());
    func::FuncOp fn = outlineIntoFunction(b, first.ops.front()->getLoc(),
                                          symbolFor(first.tmpl), first.ops,
                                          firstInputs.getArrayRef(), escaping);
    fn->setAttr(kBlockAttr, b.getStringAttr(first.tmpl));
    // The function is every instance's: no instance's layer names.
    fn.walk([](Operation *op) { op->removeAttr(kLayerAttr); });
    symbols.insert(fn); // renames on a clash

    for (Run *run : group) {
      OpSet inRun = opsOf(*run);
      b.setInsertionPoint(run->ops.front());
      auto call = func::CallOp::create(b, run->ops.front()->getLoc(), fn,
                                       inputsOf(*run).getArrayRef());
      for (auto [k, escape] : llvm::enumerate(escapes))
        run->ops[escape.first]
            ->getResult(escape.second)
            .replaceUsesWithIf(call.getResult(k), [&](OpOperand &use) {
              return !inRun.contains(use.getOwner());
            });
      for (Operation *op : llvm::reverse(run->ops))
        op->erase();
    }
  }
};
} // namespace
