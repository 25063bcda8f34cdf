//===- RecordSignature.cpp - the lp-record-signature pass -----------------===//
//
// Writes each public function's calling convention into its `lp.signature`
// attribute while the model is still in the lp dialect: the index bounds of
// labels and embedding indices come from the ops that use them, and the
// lowering that follows keeps the attribute (lp-emit-entry-points turns it
// into the `lp_signature_<fn>` symbol).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Passes.h"
#include "lp/Transforms/Signature.h"

#include "mlir/IR/BuiltinTypes.h"

namespace lp {
#define GEN_PASS_DEF_RECORDSIGNATURE
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

llvm::StringRef lp::dtypeName(Type t) {
  if (t.isF32())
    return "float32";
  if (t.isF16())
    return "float16";
  if (t.isBF16())
    return "bfloat16";
  if (t.isF64())
    return "float64";
  if (t.isInteger(64))
    return "int64";
  if (t.isInteger(32))
    return "int32";
  if (t.isInteger(8))
    return "int8";
  if (t.isInteger(1))
    return "bool";
  return "";
}

/// The exclusive upper bound on the values of an integer tensor, from its
/// uses as labels or embedding indices (following reshapes).
static std::optional<int64_t> findIndexBound(Value v) {
  std::optional<int64_t> bound;
  auto tighten = [&](int64_t b) { bound = bound ? std::min(*bound, b) : b; };
  for (Operation *user : v.getUsers()) {
    if (auto ce = dyn_cast<CrossEntropyOp>(user); ce && ce.getLabels() == v)
      tighten(cast<RankedTensorType>(ce.getLogits().getType()).getDimSize(1));
    else if (auto emb = dyn_cast<EmbeddingOp>(user);
             emb && emb.getIndices() == v)
      tighten(cast<RankedTensorType>(emb.getTable().getType()).getDimSize(0));
    else if (auto r = dyn_cast<ReshapeOp>(user))
      if (auto b = findIndexBound(r.getResult()))
        tighten(*b);
  }
  return bound;
}

/// The name, dtype and shape part of a slot; fails with a located error.
static LogicalResult describeType(func::FuncOp fn, Type type,
                                  const std::string &name, bool emitErrors,
                                  llvm::json::Object &slot) {
  auto tt = dyn_cast<RankedTensorType>(type);
  if (!tt || !tt.hasStaticShape()) {
    if (emitErrors)
      fn.emitError() << "'" << name
                     << "' must be a statically shaped tensor, got " << type;
    return failure();
  }
  llvm::StringRef dtype = dtypeName(tt.getElementType());
  if (dtype.empty()) {
    if (emitErrors)
      fn.emitError() << "'" << name << "' has unsupported element type "
                     << tt.getElementType();
    return failure();
  }
  slot["name"] = name;
  slot["dtype"] = dtype;
  slot["shape"] = llvm::json::Array(tt.getShape());
  return success();
}

static llvm::json::Object describeInit(const InitSpec &spec) {
  static const char *kinds[] = {"constant", "normal", "uniform",
                                "glorot_uniform", "glorot_normal"};
  return llvm::json::Object{
      {"kind", kinds[spec.kind]}, {"a", spec.a}, {"b", spec.b}};
}

FailureOr<llvm::json::Object> lp::describeFunction(func::FuncOp fn,
                                                   bool emitErrors) {
  llvm::json::Array args, results;
  llvm::StringMap<ArgRole> argRoles;
  llvm::StringMap<Type> argTypes;
  std::optional<int64_t> stepCounter;
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    llvm::json::Object slot;
    std::string name = argName(fn, i);
    if (failed(
            describeType(fn, fn.getArgumentTypes()[i], name, emitErrors, slot)))
      return failure();
    ArgRole role = getArgRole(fn, i).value_or(ArgRole::Input);
    slot["role"] = stringifyArgRole(role);
    std::optional<InitSpec> init;
    if (auto text = fn.getArgAttrOfType<StringAttr>(i, kInitAttr)) {
      std::string error;
      init = parseInitSpec(text.getValue(), error);
    }
    bool isState = role == ArgRole::Param || role == ArgRole::State;
    if (isState && !init)
      init = InitSpec{InitSpec::Constant, 0.0, 0.0};
    if (init)
      slot["init"] = describeInit(*init);
    if (!fn.isExternal())
      if (std::optional<int64_t> bound = findIndexBound(fn.getArgument(i)))
        slot["index_bound"] = *bound;
    argTypes[name] = fn.getArgumentTypes()[i];
    if (!argRoles.try_emplace(name, role).second) {
      if (emitErrors)
        fn.emitError() << "two arguments are named '" << name << "'";
      return failure();
    }
    if (role == ArgRole::State && name == kStepName &&
        cast<RankedTensorType>(fn.getArgumentTypes()[i]).getNumElements() == 1)
      stepCounter = i;
    args.push_back(std::move(slot));
  }
  for (unsigned i = 0; i < fn.getNumResults(); ++i) {
    llvm::json::Object slot;
    std::string name = resultName(fn, i);
    Type type = fn.getResultTypes()[i];
    if (failed(describeType(fn, type, name, emitErrors, slot)))
      return failure();
    auto state = argRoles.find(name);
    auto tt = cast<RankedTensorType>(type);
    llvm::StringRef role = "output";
    if (name == kLossTotal)
      role = "loss_total";
    else if (name == kLogits ||
             llvm::StringRef(name).starts_with(kLogitsPrefix))
      role = "logits";
    else if (name == kStepSkippedName)
      role = "step_skipped";
    else if (name == kGradNorm)
      role = "grad_norm";
    else if (state != argRoles.end() && (state->second == ArgRole::Param ||
                                         state->second == ArgRole::State)) {
      // The next value of the argument: the runtime writes it into the
      // argument's array, so it must have the argument's type.
      if (type != argTypes[name]) {
        if (emitErrors)
          fn.emitError() << "result '" << name << "' is the next value of "
                         << "the argument of that name, but has type " << type
                         << " where the argument has " << argTypes[name];
        return failure();
      }
      role = "state";
    } else if (tt.getRank() == 0 && isa<FloatType>(tt.getElementType()))
      role = "loss";
    slot["role"] = role;
    results.push_back(std::move(slot));
  }
  llvm::json::Object doc{{"lp_signature", kSignatureVersion},
                         {"function", fn.getSymName()},
                         {"args", std::move(args)},
                         {"results", std::move(results)}};
  if (stepCounter)
    doc["step_counter"] = *stepCounter;
  return doc;
}

namespace {
struct RecordSignature : lp::impl::RecordSignatureBase<RecordSignature> {
  void runOnOperation() override {
    for (func::FuncOp fn : getOperation().getOps<func::FuncOp>()) {
      if (fn.isExternal() || !fn.isPublic())
        continue;
      // Functions the runtime cannot bind (dynamic shapes, other types)
      // still lower; they just have no signature.
      FailureOr<llvm::json::Object> doc =
          describeFunction(fn, /*emitErrors=*/false);
      if (failed(doc))
        continue;
      std::string text;
      llvm::raw_string_ostream os(text);
      os << llvm::json::Value(std::move(*doc));
      fn->setAttr(kSignatureAttr, StringAttr::get(&getContext(), text));
    }
  }
};
} // namespace
