//===- Autocast.cpp - the lp-autocast pass --------------------------------===//
//
// Types every op of a model by its precision class and inserts the casts
// that takes (docs/MixedPrecision.md). Ops are visited in order; each
// operand is brought to the type its op needs by a cast that is made once
// per (value, type) and shared by every use, placed right after the value
// is defined (at the top of the function for arguments), so a parameter
// is cast once per step and its uses, forward and backward, share it.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/PrecisionPolicy.h"

#include "llvm/ADT/DenseMap.h"

namespace lp {
#define GEN_PASS_DEF_AUTOCAST
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

Type elementOf(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t ? t.getElementType() : Type();
}

bool isFloatTensor(Value v) { return isa_and_nonnull<FloatType>(elementOf(v)); }

/// The wider of two float types (f16 and bf16 widen to f32 together).
Type widest(Type a, Type b) {
  if (!a || a == b)
    return b;
  unsigned wa = a.getIntOrFloatBitWidth(), wb = b.getIntOrFloatBitWidth();
  if (wa == wb) // f16 and bf16
    return Float32Type::get(a.getContext());
  return wa > wb ? a : b;
}

/// At least f32 (f64 stays f64).
Type atLeastF32(Type t) {
  return t.getIntOrFloatBitWidth() >= 32 ? t : Float32Type::get(t.getContext());
}

class Autocaster {
public:
  /// `storage`: null for f32 master weights, else the type parameters
  /// without a parameter override are stored in (the naive loop).
  Autocaster(func::FuncOp fn, PrecisionPolicy &policy, bool lowpResultF32,
             Type storage, bool fakeQuantized)
      : fn(fn), policy(policy), lowpResultF32(lowpResultF32), storage(storage),
        fakeQuantized(fakeQuantized) {}

  LogicalResult run() {
    // Types before the pass: what ops of other dialects, and the function's
    // results, expect back.
    for (Block &block : fn.getBody()) {
      for (BlockArgument arg : block.getArguments())
        original[arg] = arg.getType();
      for (Operation &op : block)
        for (Value r : op.getResults())
          original[r] = r.getType();
    }
    // The policy holds float precisions only (checked before this runs).
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      if (isParam(fn, i))
        if (std::optional<Precision> p = policy.forParam(argName(fn, i)))
          paramType[fn.getArgument(i)] = floatTypeOf(*p, fn.getContext());
    if (storage)
      storeParamsNarrow();
    // Casts go before the op being visited, so the walk never meets them.
    for (Operation &op : llvm::make_early_inc_range(fn.getBody().front()))
      if (failed(visit(&op)))
        return failure();
    return success();
  }

private:
  /// The naive loop: each f32 parameter becomes an argument of its
  /// override's type, else of `storage`, so that its gradient, optimizer
  /// state and update are in that type too (no master weights).
  void storeParamsNarrow() {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
      BlockArgument arg = fn.getArgument(i);
      if (!isParam(fn, i) || !isFloatTensor(arg))
        continue;
      auto it = paramType.find(arg);
      Type type = it != paramType.end() ? it->second : storage;
      if (type.getIntOrFloatBitWidth() >=
          elementOf(arg).getIntOrFloatBitWidth())
        continue;
      arg.setType(cast<RankedTensorType>(arg.getType()).clone(type));
      paramType[arg] = type;
    }
    fn.setFunctionType(FunctionType::get(
        fn.getContext(), fn.getBody().getArgumentTypes(), fn.getResultTypes()));
  }

  /// `v` as `type`: `v` itself, or the one cast of `v` to `type`.
  Value castTo(Value v, Type type) {
    if (elementOf(v) == type)
      return v;
    Value &cached = casts[{v, type}];
    if (cached)
      return cached;
    // Casts of arguments go to the top, in the order they are made; others
    // right after the value (a cast of a cast after the cast it reads).
    OpBuilder b(fn.getContext());
    auto arg = dyn_cast<BlockArgument>(v);
    if (arg && lastArgCast)
      b.setInsertionPointAfter(lastArgCast);
    else if (arg)
      b.setInsertionPointToStart(arg.getOwner());
    else
      b.setInsertionPointAfterValue(v);
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    auto op = CastOp::create(b, v.getLoc(), RankedTensorType::get(shape, type),
                             v, RoundingMode::nearest_even);
    if (Operation *def = v.getDefiningOp())
      if (auto layer = def->getAttrOfType<StringAttr>(kLayerAttr))
        op->setAttr(kLayerAttr, layer);
    inserted.insert(op);
    if (arg)
      lastArgCast = op;
    cached = op.getResult();
    return cached;
  }

  /// The value an op reads for operand `v`: a parameter at its override's
  /// precision, else `v`.
  Value asUsed(Value v) {
    auto it = paramType.find(v);
    return it == paramType.end() ? v : castTo(v, it->second);
  }

  /// The op's own `lp.precision`, if any (a located error when it is not a
  /// float precision).
  FailureOr<Type> opPrecision(Operation *op) {
    auto attr = op->getAttrOfType<StringAttr>(kPrecisionAttr);
    if (!attr)
      return Type();
    std::optional<Precision> p = parsePrecision(attr.getValue());
    if (!p)
      return op->emitError() << "unknown 'lp.precision' " << attr;
    if (fakeQuantized && (*p == Precision::Int8 || *p == Precision::Int4))
      p = Precision::F32;
    if (std::string why = whyNotFloat(*p); !why.empty())
      return op->emitError() << "'lp.precision' " << attr << ": " << why;
    return floatTypeOf(*p, fn.getContext());
  }

  void setResultTypes(Operation *op, Type elem) {
    for (Value r : op->getResults())
      if (isFloatTensor(r))
        r.setType(RankedTensorType::get(
            cast<RankedTensorType>(r.getType()).getShape(), elem));
  }

  void castOperands(Operation *op, llvm::function_ref<Type(Value)> target) {
    for (OpOperand &use : op->getOpOperands())
      if (isFloatTensor(use.get()))
        use.set(castTo(use.get(), target(use.get())));
  }

  LogicalResult visit(Operation *op) {
    // Every use of a parameter, the model's own casts and the return
    // included, reads it at its override's precision.
    for (OpOperand &use : op->getOpOperands())
      use.set(asUsed(use.get()));
    if (auto c = dyn_cast<CastOp>(op)) {
      // The model's own casts read what autocast made; one that became the
      // identity goes.
      if (c.getInput().getType() == c.getType()) {
        c.getResult().replaceAllUsesWith(c.getInput());
        c.erase();
      }
      return success();
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [use, type] :
           llvm::zip(ret->getOpOperands(), fn.getResultTypes()))
        if (isFloatTensor(use.get()))
          use.set(
              castTo(use.get(), cast<RankedTensorType>(type).getElementType()));
      return success();
    }
    FailureOr<Type> own = opPrecision(op);
    if (failed(own))
      return failure();
    auto layer = op->getAttrOfType<StringAttr>(kLayerAttr);
    Precision layerPrecision = policy.forLayer(layer ? layer.getValue() : "");
    auto iface = dyn_cast<PrecisionOpInterface>(op);
    if (!iface) {
      bool floats = llvm::any_of(op->getOperands(), isFloatTensor);
      if (floats)
        op->emitRemark() << "'" << op->getName()
                         << "' has no precision class; treated as fp32 "
                            "(operands in their original types)";
      castOperands(op, [&](Value v) {
        auto it = original.find(v);
        return it != original.end()
                   ? cast<RankedTensorType>(it->second).getElementType()
                   : elementOf(v);
      });
      return success();
    }
    Type widestOperand;
    for (Value v : op->getOperands())
      if (isFloatTensor(v))
        widestOperand = widest(widestOperand, elementOf(v));
    if (!widestOperand)
      return success();
    Type type;
    switch (iface.getPrecisionClass()) {
    case PrecisionClass::lowp: {
      // The policy accepted only float precisions.
      type = *own ? *own : floatTypeOf(layerPrecision, fn.getContext());
      // Parameters used at a wider precision widen the op.
      for (Value v : op->getOperands())
        if (isFloatTensor(v) && paramType.count(originOf(v)))
          type = widest(type, elementOf(v));
      castOperands(op, [&](Value) { return type; });
      Type result = type;
      if (lowpResultF32 && type.getIntOrFloatBitWidth() < 32)
        result = Float32Type::get(fn.getContext());
      setResultTypes(op, result);
      return success();
    }
    case PrecisionClass::fp32:
      if (*own) {
        castOperands(op, [&](Value) { return *own; });
        setResultTypes(op, *own);
        return success();
      }
      castOperands(op, [&](Value v) { return atLeastF32(elementOf(v)); });
      setResultTypes(op, atLeastF32(widestOperand));
      return success();
    case PrecisionClass::follow:
      type = *own ? *own : widestOperand;
      castOperands(op, [&](Value) { return type; });
      setResultTypes(op, type);
      return success();
    case PrecisionClass::clear:
      if (*own)
        castOperands(op, [&](Value) { return *own; });
      setResultTypes(op, *own ? *own : widestOperand);
      return success();
    }
    return success();
  }

  /// The parameter a cast (chain) reads, or `v`.
  Value originOf(Value v) {
    while (auto c = v.getDefiningOp<CastOp>())
      if (inserted.contains(c))
        v = c.getInput();
      else
        break;
    return v;
  }

  func::FuncOp fn;
  PrecisionPolicy &policy;
  bool lowpResultF32;
  Type storage;
  bool fakeQuantized;
  llvm::DenseMap<Value, Type> original, paramType;
  llvm::DenseMap<std::pair<Value, Type>, Value> casts;
  llvm::DenseSet<Operation *> inserted;
  Operation *lastArgCast = nullptr;
};

struct Autocast : lp::impl::AutocastBase<Autocast> {
  using AutocastBase::AutocastBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp fn = findFunction(module, function, FunctionKind::Model);
    if (!fn)
      return signalPassFailure();
    std::optional<Precision> global = parsePrecision(computeType);
    if (!global || !floatTypeOf(*global, &getContext())) {
      mlir::emitError(fn.getLoc())
          << "lp-autocast: compute-type must be bf16, f16 or "
             "f32, got '"
          << computeType << "'"
          << (global ? " (" + whyNotFloat(*global) + ")" : "");
      return signalPassFailure();
    }
    if (lowpResult != "low" && lowpResult != "f32") {
      mlir::emitError(fn.getLoc())
          << "lp-autocast: lowp-result must be low or f32, got '" << lowpResult
          << "'";
      return signalPassFailure();
    }
    PrecisionPolicy policy;
    if (std::string error = policy.parse(*global, overrides); !error.empty()) {
      mlir::emitError(fn.getLoc()) << "lp-autocast: " << error;
      return signalPassFailure();
    }
    if (fakeQuantized)
      policy.treatIntegerAsF32();
    for (const PrecisionOverride &o : policy.overrides())
      if (std::string why = whyNotFloat(o.value); !why.empty()) {
        mlir::emitError(fn.getLoc())
            << "lp-autocast: precision override '" << o.text << "': " << why;
        return signalPassFailure();
      }
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError() << "lp-autocast: expects a model function with one block";
      return signalPassFailure();
    }
    Type storage;
    if (!masterWeights)
      storage = floatTypeOf(*global, &getContext());
    Autocaster caster(fn, policy, lowpResult == "f32", storage, fakeQuantized);
    if (failed(caster.run()))
      return signalPassFailure();
    if (const PrecisionOverride *o = policy.firstUnmatched()) {
      fn.emitError() << "lp-autocast: precision override '" << o->text
                     << "' matches no "
                     << (o->scope == PrecisionOverride::Scope::Param
                             ? "parameter name"
                             : "'lp.layer' of an op")
                     << " of @" << fn.getSymName();
      return signalPassFailure();
    }
  }
};

} // namespace
