//===- ModelSignature.cpp - what a model function takes and returns -------===//

#include "lp/Runner/ModelSignature.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/IR/BuiltinTypes.h"

using namespace mlir;
using namespace lp;

int64_t TensorSlot::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<npy::DType> lp::dtypeOf(Type t) {
  if (t.isF32())
    return npy::DType::F32;
  if (t.isF16())
    return npy::DType::F16;
  if (t.isBF16())
    return npy::DType::BF16;
  if (t.isF64())
    return npy::DType::F64;
  if (t.isInteger(64))
    return npy::DType::I64;
  if (t.isInteger(32))
    return npy::DType::I32;
  if (t.isInteger(8))
    return npy::DType::I8;
  if (t.isInteger(1))
    return npy::DType::Bool;
  return std::nullopt;
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

/// Fills the type part of a slot; fails with a located error.
static LogicalResult readType(Operation *op, Type type, TensorSlot &slot) {
  auto tt = dyn_cast<RankedTensorType>(type);
  if (!tt || !tt.hasStaticShape())
    return op->emitError() << "'" << slot.name
                           << "' must be a statically shaped tensor, got "
                           << type;
  auto dtype = dtypeOf(tt.getElementType());
  if (!dtype)
    return op->emitError() << "'" << slot.name << "' has unsupported element "
                           << "type " << tt.getElementType();
  slot.dtype = *dtype;
  slot.shape.assign(tt.getShape().begin(), tt.getShape().end());
  return success();
}

FailureOr<ModelSignature> lp::readSignature(func::FuncOp fn) {
  ModelSignature sig;
  sig.function = fn.getSymName().str();
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    TensorSlot slot;
    auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttr);
    slot.name = name ? name.getValue().str() : "arg" + std::to_string(i);
    if (auto role = fn.getArgAttrOfType<StringAttr>(i, kRoleAttr))
      slot.role = *parseArgRole(role.getValue());
    if (auto init = fn.getArgAttrOfType<StringAttr>(i, kInitAttr)) {
      std::string error;
      slot.init = parseInitSpec(init.getValue(), error);
    }
    if ((slot.role == ArgRole::Param || slot.role == ArgRole::State) &&
        !slot.init)
      slot.init = InitSpec{InitSpec::Constant, 0.0, 0.0};
    if (failed(readType(fn, fn.getArgumentTypes()[i], slot)))
      return failure();
    if (!fn.isExternal())
      slot.indexBound = findIndexBound(fn.getArgument(i));
    for (const TensorSlot &other : sig.args)
      if (other.name == slot.name)
        return fn.emitError() << "two arguments are named '" << slot.name
                              << "'";
    sig.args.push_back(std::move(slot));
  }
  for (unsigned i = 0; i < fn.getNumResults(); ++i) {
    TensorSlot slot;
    auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttr);
    slot.name = name ? name.getValue().str() : "result" + std::to_string(i);
    if (failed(readType(fn, fn.getResultTypes()[i], slot)))
      return failure();
    sig.results.push_back(std::move(slot));
  }
  return sig;
}

mlir::LogicalResult lp::dropInplaceResults(mlir::ModuleOp module,
                                           ModelSignature &signature) {
  mlir::Operation *fn = module.lookupSymbol(signature.function);
  if (!fn)
    return mlir::failure();
  auto tied =
      fn->getAttrOfType<mlir::DenseI64ArrayAttr>(kInplaceResultsAttr);
  if (!tied)
    return mlir::success();
  if (tied.size() != int64_t(signature.results.size()))
    return fn->emitError("lp.inplace_results does not match the results");
  std::vector<TensorSlot> kept;
  for (auto [slot, arg] : llvm::zip(signature.results, tied.asArrayRef())) {
    if (arg < 0) {
      kept.push_back(slot);
      continue;
    }
    if (arg >= int64_t(signature.args.size()) ||
        signature.args[arg].name != slot.name)
      return fn->emitError("result '" + slot.name +
                           "' is updated in place in an argument of "
                           "another name");
  }
  signature.results = std::move(kept);
  return mlir::success();
}
