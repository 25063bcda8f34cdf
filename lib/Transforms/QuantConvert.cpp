//===- QuantConvert.cpp - the lp-quant-convert pass -----------------------===//
//
// A fake-quantized model's deployable form (torch.ao's `convert`): the
// integer codes of its weights with the scales its own ops compute, and a
// model that reads them. Emits @f_frozen, @f_float, @f_quantize and
// @f_quantized next to the model @f (QuantPasses.td describes each).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Dialect/LP/IR/PrecisionClass.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringSet.h"

namespace lp {
#define GEN_PASS_DEF_QUANTCONVERT
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// The `param` argument that `v` reads: the argument itself, one that
/// lp-prune masks (`param * mask`), either through lp-autocast's casts;
/// null otherwise.
BlockArgument weightOf(func::FuncOp fn, Value v) {
  while (auto cast = v.getDefiningOp<CastOp>())
    v = cast.getInput();
  if (auto mul = v.getDefiningOp<MulOp>()) {
    auto mask = dyn_cast<BlockArgument>(mul.getRhs());
    auto weight = dyn_cast<BlockArgument>(mul.getLhs());
    if (!mask || !weight ||
        argName(fn, mask.getArgNumber()) !=
            argName(fn, weight.getArgNumber()) + ".prune.mask")
      return {};
    v = weight;
  }
  auto arg = dyn_cast<BlockArgument>(v);
  if (!arg || arg.getOwner() != &fn.getBody().front() ||
      !isParam(fn, arg.getArgNumber()))
    return {};
  return arg;
}

/// The use that reads the weight itself (the argument or its masked
/// product) on the way from `use` (a lowp op's operand) through casts.
OpOperand *weightUse(OpOperand *use) {
  while (auto cast = use->get().getDefiningOp<CastOp>())
    use = &cast->getOpOperand(0);
  return use;
}

/// The name of an activation's range: its observer's state (`fc2.input`
/// from `fc2.input.fq.min`, read by lp.quant_params once frozen), else
/// `fq<index>`.
std::string activationName(func::FuncOp fn, FakeQuantOp fq, size_t index) {
  Operation *def = fq.getScale().getDefiningOp();
  while (def && isa<StopGradientOp, MulOp>(def))
    def = def->getOperand(0).getDefiningOp();
  if (auto params = dyn_cast_or_null<QuantParamsOp>(def))
    if (auto arg = dyn_cast<BlockArgument>(params.getMin())) {
      std::string full = argName(fn, arg.getArgNumber());
      StringRef name = full;
      if (name.consume_back(".min")) {
        name.consume_back(".fq");
        return name.str();
      }
    }
  return "fq" + std::to_string(index);
}

/// The codes of a range within [-8, 7] are packed two to a byte.
bool isInt4(FakeQuantOp fq) {
  return fq.getQuantMin() >= -8 && fq.getQuantMax() <= 7;
}

/// Observers read their state and stop updating it, fake quantization is
/// on whatever the phase, and the state results go.
void freeze(func::FuncOp fn) {
  fn.walk([](ObserveOp op) {
    op.getNewMin().replaceAllUsesWith(op.getMin());
    op.getNewMax().replaceAllUsesWith(op.getMax());
  });
  fn.walk([](SelectOp op) {
    Value a = op.getTrueValue(), b = op.getFalseValue();
    auto fq = a.getDefiningOp<FakeQuantOp>();
    if (a == b || (fq && fq.getInput() == b))
      op.replaceAllUsesWith(a);
  });
  llvm::BitVector stateResults(fn.getNumResults());
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    if (isStateResult(fn, i))
      stateResults.set(i);
  Operation *ret = fn.getBody().front().getTerminator();
  ret->eraseOperands(stateResults);
  (void)fn.eraseResults(stateResults);
}

/// Erases the ops nothing reads, then the `param` and `state` arguments
/// (with `batch` the inputs and labels too) that nothing reads.
void prune(func::FuncOp fn, bool batch) {
  Block &body = fn.getBody().front();
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body)))
    if (isOpTriviallyDead(&op))
      op.erase();
  llvm::BitVector unused(fn.getNumArguments());
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgument(i).use_empty() &&
        (batch || isParam(fn, i) || isState(fn, i)))
      unused.set(i);
  (void)fn.eraseArguments(unused);
}

/// A copy of `model` named `<model>_<suffix>`, after it, frozen.
func::FuncOp frozenCopy(func::FuncOp model, StringRef suffix) {
  func::FuncOp fn = model.clone();
  fn.setSymName((model.getSymName() + "_" + suffix).str());
  model->getBlock()->getOperations().insertAfter(model->getIterator(), fn);
  fn->removeAttr(kLossWeightsAttr);
  // Names by position (`arg3`) would change as arguments go.
  spellDefaultNames(fn);
  freeze(fn);
  return fn;
}

/// The uses of weights that operands 0 and 1 of lowp ops read without
/// fake quantization (through casts): what `f16-weights` stores as f16.
SmallVector<OpOperand *> floatWeightUses(func::FuncOp fn) {
  SmallVector<OpOperand *> uses;
  fn.walk([&](PrecisionOpInterface op) {
    if (op.getPrecisionClass() != PrecisionClass::lowp)
      return;
    for (OpOperand &use : op->getOpOperands())
      if (use.getOperandNumber() < 2 && weightOf(fn, use.get()) &&
          !llvm::is_contained(uses, weightUse(&use)))
        uses.push_back(weightUse(&use));
  });
  return uses;
}

struct QuantConvert : lp::impl::QuantConvertBase<QuantConvert> {
  using QuantConvertBase::QuantConvertBase;

  void runOnOperation() override {
    func::FuncOp model =
        findFunction(getOperation(), function, FunctionKind::Model);
    if (!model)
      return signalPassFailure();
    // Built in reverse, each inserted right after the model.
    buildQuantized(frozenCopy(model, "quantized"));
    buildQuantize(frozenCopy(model, "quantize"));
    func::FuncOp floatModel = frozenCopy(model, "float");
    floatModel.walk([](FakeQuantOp fq) {
      fq.replaceAllUsesWith(fq.getInput());
      fq.erase();
    });
    prune(floatModel, /*batch=*/false);
    prune(frozenCopy(model, "frozen"), /*batch=*/false);
  }

  /// What the converted model stores, named: each fake quantization's
  /// arrays (`<name>.scale`, ...; a weight read by two fake quantizations,
  /// or a name an argument has, gets `<name>.2`), each f16 weight's.
  struct Stored {
    FakeQuantOp fq;
    std::string name;
    BlockArgument weight; ///< null for an activation
  };
  struct Plan {
    SmallVector<Stored> quantized;
    SmallVector<std::pair<OpOperand *, std::string>> halves;
  };
  Plan planOf(func::FuncOp fn) {
    Plan plan;
    llvm::StringSet<> taken;
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      taken.insert(argName(fn, i));
    fn.walk([&](FakeQuantOp fq) {
      BlockArgument w = weightOf(fn, fq.getInput());
      std::string base = w ? argName(fn, w.getArgNumber())
                           : activationName(fn, fq, plan.quantized.size());
      SmallVector<std::string> suffixes = {".scale", ".zero_point"};
      if (w)
        suffixes.push_back(isInt4(fq) ? ".int4" : ".int8");
      std::string name = base;
      auto clashes = [&] {
        return llvm::any_of(suffixes, [&](const std::string &suffix) {
          return taken.contains(name + suffix);
        });
      };
      for (int k = 2; clashes(); ++k)
        name = base + "." + std::to_string(k);
      for (const std::string &suffix : suffixes)
        taken.insert(name + suffix);
      plan.quantized.push_back({fq, name, w});
    });
    if (!f16Weights)
      return plan;
    llvm::DenseMap<Value, std::string> named;
    for (OpOperand *use : floatWeightUses(fn)) {
      std::string &name = named[use->get()];
      if (name.empty()) {
        BlockArgument w = weightOf(fn, use->get());
        std::string base = argName(fn, w.getArgNumber()) + ".f16";
        name = base;
        for (int k = 2; taken.contains(name); ++k)
          name = base + "." + std::to_string(k);
        taken.insert(name);
      }
      plan.halves.emplace_back(use, name);
    }
    return plan;
  }

  /// Returns the codes, scales and f16 weights instead of the losses.
  void buildQuantize(func::FuncOp fn) {
    Plan plan = planOf(fn);
    OpBuilder b(fn.getContext());
    Operation *ret = fn.getBody().front().getTerminator();
    b.setInsertionPoint(ret);
    SmallVector<Value> results;
    SmallVector<std::string> names;
    for (Stored &s : plan.quantized) {
      FakeQuantOp fq = s.fq;
      if (s.weight) {
        auto type = fq.getType().clone(b.getI8Type());
        Value codes = QuantizeOp::create(
            b, fq.getLoc(), type, fq.getInput(), fq.getScale(),
            fq.getZeroPoint(), fq.getQuantMinAttr(), fq.getQuantMaxAttr(),
            fq.getAxisAttr());
        bool packed = isInt4(fq);
        if (packed)
          codes = PackInt4Op::create(
              b, fq.getLoc(),
              RankedTensorType::get({(type.getNumElements() + 1) / 2},
                                    b.getI8Type()),
              codes);
        results.push_back(codes);
        names.push_back(s.name + (packed ? ".int4" : ".int8"));
      }
      results.append({fq.getScale(), fq.getZeroPoint()});
      names.append({s.name + ".scale", s.name + ".zero_point"});
    }
    for (auto &[use, name] : plan.halves) {
      if (llvm::is_contained(names, name))
        continue;
      auto type = cast<RankedTensorType>(use->get().getType());
      results.push_back(CastOp::create(b, use->getOwner()->getLoc(),
                                       type.clone(b.getF16Type()), use->get()));
      names.push_back(name);
    }
    func::ReturnOp::create(b, ret->getLoc(), results);
    ret->erase();
    fn.setType(b.getFunctionType(fn.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
    SmallVector<DictionaryAttr> attrs;
    for (const std::string &name : names)
      attrs.push_back(b.getDictionaryAttr(
          b.getNamedAttr(kNameAttr, b.getStringAttr(name))));
    fn.setAllResultAttrs(attrs);
    prune(fn, /*batch=*/true);
  }

  /// Reads the stored arrays as `state` arguments.
  void buildQuantized(func::FuncOp fn) {
    Plan plan = planOf(fn);
    OpBuilder b(fn.getContext());
    auto state = [&](const std::string &name, Type type) -> Value {
      return appendModelArgument(fn, type, "state", name, "zeros");
    };
    for (Stored &s : plan.quantized) {
      FakeQuantOp fq = s.fq;
      b.setInsertionPoint(fq);
      Value scale = state(s.name + ".scale", fq.getScale().getType());
      Value zeroPoint =
          state(s.name + ".zero_point", fq.getZeroPoint().getType());
      if (!s.weight) {
        fq.getScaleMutable().assign(scale);
        fq.getZeroPointMutable().assign(zeroPoint);
        continue;
      }
      auto type = fq.getType().clone(b.getI8Type());
      Value codes;
      if (isInt4(fq)) {
        Value packed =
            state(s.name + ".int4",
                  RankedTensorType::get({(type.getNumElements() + 1) / 2},
                                        b.getI8Type()));
        codes = UnpackInt4Op::create(b, fq.getLoc(), type, packed);
      } else {
        codes = state(s.name + ".int8", type);
      }
      Value value = DequantizeOp::create(
          b, fq.getLoc(), fq.getType(), codes, scale, zeroPoint,
          fq.getQuantMinAttr(), fq.getQuantMaxAttr(), fq.getAxisAttr());
      if (Attribute layer = fq->getAttr(kLayerAttr))
        for (Value made : {value, codes})
          if (Operation *op = made.getDefiningOp())
            op->setAttr(kLayerAttr, layer);
      fq.replaceAllUsesWith(value);
      fq.erase();
    }
    llvm::StringMap<Value> halves;
    for (auto &[use, name] : plan.halves) {
      auto type = cast<RankedTensorType>(use->get().getType());
      Value &half = halves[name];
      if (!half)
        half = state(name, type.clone(b.getF16Type()));
      b.setInsertionPoint(use->getOwner());
      use->set(CastOp::create(b, use->getOwner()->getLoc(), type, half));
    }
    prune(fn, /*batch=*/false);
  }
};

} // namespace
