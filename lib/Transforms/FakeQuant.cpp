//===- FakeQuant.cpp - the lp-fake-quant pass -----------------------------===//
//
// Quantization-aware training: the operands of every `lowp` op of the model
// read fake-quantized values (lp.fake_quant) whose ranges come from
// observers kept as model state, or from the current weights. Phases
// (calibrate, freeze-after) switch observers and fake quantization with
// lp.select on a step counter that is state too. docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/FindFunction.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/PrecisionPolicy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

namespace lp {
#define GEN_PASS_DEF_FAKEQUANT
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// How one tensor is quantized.
struct QuantSpec {
  int64_t bits;
  bool symmetric;
  std::optional<int64_t> axis; ///< per channel along it
  bool observed;               ///< else: the current tensor's range
  bool learned = false;        ///< the current range times a learned exp(a)
  bool operator==(const QuantSpec &o) const {
    return bits == o.bits && symmetric == o.symmetric && axis == o.axis &&
           observed == o.observed && learned == o.learned;
  }
};

/// The settings of the pass, checked.
struct Settings {
  std::optional<int64_t> weightBits, activationBits; ///< none: not quantized
  bool weightSymmetric, activationSymmetric, perChannel, weightObserved,
      weightLearned = false;
  std::optional<double> averaging; ///< none: min/max observers
  int64_t calibrate, freezeAfter;
  bool activationProducts;
};

std::optional<int64_t> bitsOf(Precision p) {
  if (p == Precision::Int8)
    return 8;
  if (p == Precision::Int4)
    return 4;
  return std::nullopt;
}

/// The names of a lowp op's operands, for its observers' state.
StringRef operandName(Operation *op, unsigned i) {
  if (isa<MatmulOp>(op))
    return i == 0 ? "lhs" : "rhs";
  if (isa<Conv2dOp>(op))
    return i == 0 ? "input" : "filter";
  return i == 0 ? "input" : "weight";
}

/// The output-channel axis of a weight operand (linear [K, N]: N; conv
/// filter [F, C, KH, KW]: F; matmul rhs [..., K, N]: N; lhs [..., M, K]:
/// M).
int64_t channelAxis(Operation *op, unsigned i, int64_t rank) {
  if (isa<Conv2dOp>(op))
    return 0;
  if (isa<MatmulOp>(op) && i == 0)
    return rank - 2;
  return rank - 1;
}

class Quantizer {
public:
  Quantizer(func::FuncOp fn, const Settings &settings, PrecisionPolicy &policy)
      : fn(fn), settings(settings), policy(policy), b(fn.getContext()) {
    for (unsigned i = 0; i < fn.getNumArguments(); ++i)
      used.insert(argName(fn, i));
    for (unsigned i = 0; i < fn.getNumResults(); ++i)
      used.insert(resultName(fn, i));
  }

  LogicalResult run() {
    SmallVector<Operation *> lowp;
    for (Operation &op : fn.getBody().front())
      if (auto iface = dyn_cast<PrecisionOpInterface>(&op))
        if (iface.getPrecisionClass() == PrecisionClass::lowp)
          lowp.push_back(&op);
    for (auto [index, op] : llvm::enumerate(lowp))
      if (failed(visit(op, index)))
        return failure();
    finish();
    return success();
  }

private:
  /// The precision `op` itself asks for (`lp.precision`), then its layer's
  /// override; none: the pass's settings.
  FailureOr<std::optional<Precision>> opPrecision(Operation *op) {
    if (auto attr = op->getAttrOfType<StringAttr>(kPrecisionAttr)) {
      std::optional<Precision> p = parsePrecision(attr.getValue());
      if (!p)
        return op->emitError() << "unknown 'lp.precision' " << attr;
      return p;
    }
    auto layer = op->getAttrOfType<StringAttr>(kLayerAttr);
    return policy.layerOverride(layer ? layer.getValue() : "");
  }

  LogicalResult visit(Operation *op, size_t index) {
    FailureOr<std::optional<Precision>> own = opPrecision(op);
    if (failed(own))
      return failure();
    // A float precision leaves the op to lp-autocast.
    if (*own && !bitsOf(**own))
      return success();
    // A product of two activations (attention) stays float unless asked,
    // as in PyTorch's eager QAT, which quantizes modules, not torch.matmul.
    auto isWeight = [&](Value v) {
      auto arg = dyn_cast<BlockArgument>(v);
      return arg && isParam(fn, arg.getArgNumber());
    };
    if (isa<MatmulOp>(op) && !settings.activationProducts &&
        !llvm::any_of(op->getOperands(), isWeight))
      return success();
    auto layer = op->getAttrOfType<StringAttr>(kLayerAttr);
    std::string base =
        layer ? layer.getValue().str() : "op" + std::to_string(index);
    // Biases (operand 2 of linear and conv2d) stay in f32, as in PyTorch.
    for (unsigned i = 0; i < 2 && i < op->getNumOperands(); ++i) {
      Value v = op->getOperand(i);
      auto type = cast<RankedTensorType>(v.getType());
      auto arg = dyn_cast<BlockArgument>(v);
      bool weight = arg && isParam(fn, arg.getArgNumber());
      std::optional<int64_t> bits;
      if (weight) {
        std::optional<Precision> p =
            policy.forParam(argName(fn, arg.getArgNumber()));
        if (p && !bitsOf(*p))
          continue; // a float parameter override: not quantized
        bits = p ? bitsOf(*p) : *own ? bitsOf(**own) : settings.weightBits;
      } else {
        bits = settings.activationBits;
      }
      if (!bits)
        continue;
      if (!type.getElementType().isF32())
        return op->emitError()
               << "lp-fake-quant: operand #" << i << " is " << type
               << "; fake quantization works on f32 (run lp-fake-quant before "
                  "lp-autocast)";
      QuantSpec spec{*bits,
                     weight ? settings.weightSymmetric
                            : settings.activationSymmetric,
                     std::nullopt, !weight || settings.weightObserved};
      if (weight && settings.perChannel)
        spec.axis = channelAxis(op, i, type.getRank());
      spec.learned = weight && settings.weightLearned;
      std::string name = weight ? argName(fn, arg.getArgNumber())
                         : arg  ? argName(fn, arg.getArgNumber())
                                : base + "." + operandName(op, i).str();
      op->setOperand(i, quantized(v, spec, name, op, layer));
    }
    return success();
  }

  /// `v` fake-quantized as `spec` says, built once per value and spec,
  /// before `user` (the first op that reads it).
  Value quantized(Value v, const QuantSpec &spec, StringRef name,
                  Operation *user, StringAttr layer) {
    for (auto &[value, s, q] : done)
      if (value == v && s == spec)
        return q;
    b.setInsertionPoint(user);
    Location loc = user->getLoc();
    auto type = cast<RankedTensorType>(v.getType());
    auto f32 = b.getF32Type();
    auto rangeType =
        spec.axis ? RankedTensorType::get({type.getDimSize(*spec.axis)}, f32)
                  : RankedTensorType::get({}, f32);
    IntegerAttr axis = spec.axis ? b.getI64IntegerAttr(*spec.axis) : nullptr;
    int64_t half = int64_t(1) << (spec.bits - 1);
    IntegerAttr qmin = b.getI64IntegerAttr(-half);
    IntegerAttr qmax = b.getI64IntegerAttr(half - 1);
    SmallVector<Operation *> made;
    auto range = AminmaxOp::create(b, loc, rangeType, rangeType, v, axis);
    made.push_back(range);
    Value lo = range.getMin(), hi = range.getMax();
    if (spec.observed) {
      std::string state = unique(name.str() + ".fq");
      // An observer starts empty: the reversed range [1, -1].
      Value min = addState(state + ".min", rangeType, "constant(1)");
      Value max = addState(state + ".max", rangeType, "constant(-1)");
      b.setInsertionPoint(user);
      FloatAttr c;
      if (settings.averaging)
        c = b.getF64FloatAttr(*settings.averaging);
      auto observe =
          ObserveOp::create(b, loc, rangeType, rangeType, lo, hi, min, max, c);
      made.push_back(observe);
      lo = observe.getNewMin();
      hi = observe.getNewMax();
      if (Value on = observing()) {
        b.setInsertionPoint(user);
        lo = SelectOp::create(b, loc, rangeType, on, lo, min);
        hi = SelectOp::create(b, loc, rangeType, on, hi, max);
        made.push_back(lo.getDefiningOp());
        made.push_back(hi.getDefiningOp());
      }
      updates.emplace_back(state + ".min", lo);
      updates.emplace_back(state + ".max", hi);
    }
    auto params =
        QuantParamsOp::create(b, loc, rangeType, rangeType, lo, hi, qmin, qmax,
                              spec.symmetric ? b.getUnitAttr() : UnitAttr());
    made.push_back(params);
    Value scale = params.getScale(), zeroPoint = params.getZeroPoint();
    UnitAttr learnable;
    double gradFactor = 1.0;
    if (spec.learned) {
      // scale = stop_gradient(current scale) * exp(a), a a parameter that
      // starts at 0; LSQ's gradient (lp.fake_quant learnable) reaches a.
      std::string param = unique(name.str() + ".fq.log_scale");
      Value a = addArgument(param, rangeType, "param", "zeros");
      b.setInsertionPoint(user);
      scale = StopGradientOp::create(b, loc, rangeType, scale);
      made.push_back(scale.getDefiningOp());
      zeroPoint = StopGradientOp::create(b, loc, rangeType, zeroPoint);
      made.push_back(zeroPoint.getDefiningOp());
      Value e = ExpOp::create(b, loc, rangeType, a);
      made.push_back(e.getDefiningOp());
      scale = MulOp::create(b, loc, rangeType, scale, e);
      made.push_back(scale.getDefiningOp());
      learnable = b.getUnitAttr();
      // LSQ's gradient scale, 1 / sqrt(elements per range * quant_max).
      double perRange =
          double(type.getNumElements()) / double(rangeType.getNumElements());
      gradFactor = 1.0 / std::sqrt(perRange * double(half - 1));
    }
    auto fq =
        FakeQuantOp::create(b, loc, type, v, scale, zeroPoint, qmin, qmax, axis,
                            learnable, b.getF64FloatAttr(gradFactor));
    made.push_back(fq);
    Value q = fq;
    if (Value on = quantizing()) {
      b.setInsertionPoint(user);
      q = SelectOp::create(b, loc, type, on, q, v);
      made.push_back(q.getDefiningOp());
    }
    if (layer)
      for (Operation *m : made)
        m->setAttr(kLayerAttr, layer);
    done.emplace_back(v, spec, q);
    return q;
  }

  /// A name no argument or result has yet.
  std::string unique(const std::string &name) {
    std::string n = name;
    for (int k = 2; used.contains(n + ".min") || used.contains(n); ++k)
      n = name + "." + std::to_string(k);
    used.insert(n);
    return n;
  }

  /// Appends a `state` argument.
  Value addState(const std::string &name, RankedTensorType type,
                 StringRef init) {
    return addArgument(name, type, "state", init);
  }

  /// Appends an argument of `role` ("state" or "param").
  Value addArgument(const std::string &name, RankedTensorType type,
                    StringRef role, StringRef init) {
    used.insert(name);
    return appendModelArgument(fn, type, role, name, init);
  }

  /// Constant `value` as tensor<f32>, at the top of the function.
  Value scalar(double value) {
    auto type = RankedTensorType::get({}, b.getF32Type());
    return arith::ConstantOp::create(
        b, fn.getLoc(), type,
        DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
  }

  /// The step counter `fq.steps` (state, counting forward calls), made at
  /// the top of the function the first time a phase needs it.
  Value steps() {
    if (counter)
      return counter;
    std::string name = unique("fq.steps");
    counter =
        addState(name, RankedTensorType::get({}, b.getF32Type()), "zeros");
    b.setInsertionPointToStart(&fn.getBody().front());
    Value next =
        AddOp::create(b, fn.getLoc(), counter.getType(), counter, scalar(1.0));
    updates.emplace_back(name, next);
    return counter;
  }

  /// Positive while observers run (steps < freeze-after); null: always.
  Value observing() {
    if (settings.freezeAfter > 0 && !observingFlag)
      observingFlag = flag(double(settings.freezeAfter), /*minusSteps=*/true);
    return observingFlag;
  }

  /// Positive once fake quantization runs (steps >= calibrate, that is
  /// steps - (calibrate - 0.5) > 0); null: always.
  Value quantizing() {
    if (settings.calibrate > 0 && !quantizingFlag)
      quantizingFlag =
          flag(double(settings.calibrate) - 0.5, /*minusSteps=*/false);
    return quantizingFlag;
  }

  /// `value - steps` or `steps - value`, at the top of the function.
  Value flag(double value, bool minusSteps) {
    Value s = steps();
    b.setInsertionPointToStart(&fn.getBody().front());
    Value c = scalar(value);
    return minusSteps ? SubOp::create(b, fn.getLoc(), s.getType(), c, s)
                      : SubOp::create(b, fn.getLoc(), s.getType(), s, c);
  }

  /// Returns every state update, named like its argument.
  void finish() {
    Operation *ret = fn.getBody().front().getTerminator();
    MLIRContext *ctx = fn.getContext();
    for (auto &[name, value] : updates) {
      unsigned index = fn.getNumResults();
      NamedAttribute attr(StringAttr::get(ctx, kNameAttr),
                          StringAttr::get(ctx, name));
      (void)fn.insertResult(index, value.getType(),
                            DictionaryAttr::get(ctx, attr));
      ret->insertOperands(ret->getNumOperands(), value);
    }
    // One loss weight per result; state results' are ignored.
    if (auto weights = fn->getAttrOfType<ArrayAttr>(kLossWeightsAttr)) {
      SmallVector<Attribute> all(weights.begin(), weights.end());
      all.resize(fn.getNumResults(), Builder(ctx).getF64FloatAttr(1.0));
      fn->setAttr(kLossWeightsAttr, ArrayAttr::get(ctx, all));
    }
  }

  func::FuncOp fn;
  const Settings &settings;
  PrecisionPolicy &policy;
  OpBuilder b;
  llvm::StringSet<> used;
  SmallVector<std::tuple<Value, QuantSpec, Value>> done;
  SmallVector<std::pair<std::string, Value>> updates;
  Value counter, observingFlag, quantizingFlag;
};

struct FakeQuant : lp::impl::FakeQuantBase<FakeQuant> {
  using FakeQuantBase::FakeQuantBase;

  void runOnOperation() override {
    func::FuncOp fn =
        findFunction(getOperation(), function, FunctionKind::Model);
    if (!fn)
      return signalPassFailure();
    Settings settings;
    std::string error = check(settings);
    PrecisionPolicy policy;
    if (error.empty())
      error = policy.parse(settings.weightBits == 4 ? Precision::Int4
                                                    : Precision::Int8,
                           overrides);
    for (const PrecisionOverride &o : policy.overrides())
      if (error.empty() &&
          (o.value == Precision::FP8E4M3 || o.value == Precision::FP8E5M2))
        error = "precision override '" + o.text + "': fp8 is not supported yet";
    if (!error.empty()) {
      mlir::emitError(fn.getLoc()) << "lp-fake-quant: " << error;
      return signalPassFailure();
    }
    if (!fn.getBody().hasOneBlock()) {
      fn.emitError() << "lp-fake-quant: expects a model function with one "
                        "block";
      return signalPassFailure();
    }
    Quantizer quantizer(fn, settings, policy);
    if (failed(quantizer.run()))
      return signalPassFailure();
    if (const PrecisionOverride *o = policy.firstUnmatched()) {
      fn.emitError() << "lp-fake-quant: precision override '" << o->text
                     << "' matches no "
                     << (o->scope == PrecisionOverride::Scope::Param
                             ? "parameter name"
                             : "'lp.layer' of a lowp op")
                     << " of @" << fn.getSymName();
      return signalPassFailure();
    }
  }

  /// Reads the options into `s`; returns a message naming a bad one.
  std::string check(Settings &s) {
    auto bits = [](StringRef v, std::optional<int64_t> &out) {
      if (v == "none")
        return true;
      std::optional<Precision> p = parsePrecision(v);
      out = p ? bitsOf(*p) : std::nullopt;
      return out.has_value();
    };
    auto oneOf = [](StringRef v, StringRef a, StringRef b, bool &isA) {
      isA = v == a;
      return v == a || v == b;
    };
    if (!bits(weights, s.weightBits))
      return "weights must be int8, int4 or none, got '" + weights + "'";
    if (!bits(activations, s.activationBits))
      return "activations must be int8, int4 or none, got '" + activations +
             "'";
    if (!oneOf(scheme, "symmetric", "affine", s.weightSymmetric))
      return "scheme must be symmetric or affine, got '" + scheme + "'";
    if (!oneOf(activationScheme, "symmetric", "affine", s.activationSymmetric))
      return "activation-scheme must be symmetric or affine, got '" +
             activationScheme + "'";
    if (!oneOf(granularity, "per-channel", "per-tensor", s.perChannel))
      return "granularity must be per-channel or per-tensor, got '" +
             granularity + "'";
    s.weightLearned = weightRange == "learned";
    s.weightObserved = false;
    if (!s.weightLearned &&
        !oneOf(weightRange, "observer", "current", s.weightObserved))
      return "weight-range must be observer, current or learned, got '" +
             weightRange + "'";
    bool moving;
    if (!oneOf(observer, "moving-average", "min-max", moving))
      return "observer must be moving-average or min-max, got '" + observer +
             "'";
    if (moving) {
      if (!(averagingConstant > 0.0 && averagingConstant <= 1.0))
        return llvm::formatv("averaging-constant must be in (0, 1], got {0}",
                             double(averagingConstant))
            .str();
      s.averaging = averagingConstant;
    }
    if (calibrate < 0 || freezeAfter < 0)
      return "calibrate and freeze-after must not be negative";
    if (freezeAfter > 0 && freezeAfter <= calibrate)
      return "freeze-after (" + std::to_string(freezeAfter) +
             ") must come after calibrate (" + std::to_string(calibrate) + ")";
    // The step counter is an f32: exact up to 2^24.
    if (calibrate > (1 << 24) || freezeAfter > (1 << 24))
      return "calibrate and freeze-after must be at most 2^24 (16777216)";
    s.calibrate = calibrate;
    s.freezeAfter = freezeAfter;
    s.activationProducts = activationProducts;
    return "";
  }
};

} // namespace
