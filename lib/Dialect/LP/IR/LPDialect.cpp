//===- LPDialect.cpp - the lp dialect -------------------------------------===//

#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace lp;

#include "lp/Dialect/LP/IR/LPEnums.cpp.inc"
#include "lp/Dialect/LP/IR/LPOpsDialect.cpp.inc"
#include "lp/Dialect/LP/IR/LPInterfaces.cpp.inc"

StringRef lp::stringifyPrecisionClass(PrecisionClass cls) {
  switch (cls) {
  case PrecisionClass::lowp:
    return "lowp";
  case PrecisionClass::fp32:
    return "fp32";
  case PrecisionClass::follow:
    return "follow";
  case PrecisionClass::clear:
    return "clear";
  }
  llvm_unreachable("unknown precision class");
}

#define GET_ATTRDEF_CLASSES
#include "lp/Dialect/LP/IR/LPAttrs.cpp.inc"

void LPDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "lp/Dialect/LP/IR/LPOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "lp/Dialect/LP/IR/LPAttrs.cpp.inc"
      >();
}

/// Checks that `attr` is a non-empty string.
static LogicalResult expectName(Operation *op, NamedAttribute attr,
                                llvm::StringRef where) {
  auto str = dyn_cast<StringAttr>(attr.getValue());
  if (!str || str.getValue().empty())
    return op->emitError() << "'" << attr.getName().getValue() << "' on "
                           << where << " must be a non-empty string";
  return success();
}

LogicalResult LPDialect::verifyRegionArgAttribute(Operation *op,
                                                  unsigned regionIndex,
                                                  unsigned argIndex,
                                                  NamedAttribute attr) {
  std::string where = "argument #" + std::to_string(argIndex);
  StringRef name = attr.getName().getValue();
  if (name == kLayerAttr)
    return expectName(op, attr, where);
  if (name == kNameAttr) {
    if (failed(expectName(op, attr, where)))
      return failure();
    // Names bind model arguments (those with a role); lowered out-parameters
    // carry their result's name and may repeat it.
    // Checked once per function (linear: a deep model has thousands of
    // arguments), when verifying the first named model argument.
    auto fn = dyn_cast<FunctionOpInterface>(op);
    auto isNamedModelArg = [&](unsigned i) {
      return fn.getArgAttr(i, kRoleAttr) && fn.getArgAttr(i, kNameAttr);
    };
    if (!fn || !isNamedModelArg(argIndex))
      return success();
    for (unsigned i = 0; i < argIndex; ++i)
      if (isNamedModelArg(i))
        return success();
    DenseMap<Attribute, unsigned> first;
    for (unsigned i = argIndex, e = fn.getNumArguments(); i < e; ++i) {
      if (!isNamedModelArg(i))
        continue;
      auto [it, inserted] = first.try_emplace(fn.getArgAttr(i, kNameAttr), i);
      if (!inserted)
        return op->emitError() << "arguments #" << it->second << " and #" << i
                               << " are both named " << it->first;
    }
    return success();
  }
  if (name == kRoleAttr) {
    auto str = dyn_cast<StringAttr>(attr.getValue());
    std::optional<ArgRole> role =
        str ? parseArgRole(str.getValue()) : std::nullopt;
    // Reported at the argument itself (not the whole function).
    auto fn = dyn_cast<FunctionOpInterface>(op);
    Location loc = fn && !fn.isExternal() && argIndex < fn.getNumArguments()
                       ? fn.getArgument(argIndex).getLoc()
                       : op->getLoc();
    if (!role)
      return emitError(loc) << "'lp.role' on " << where
                            << " must be \"input\", \"label\", \"param\" "
                               "or \"state\"";
    // A parameter is trained: it needs a float type for its gradient.
    if (*role == ArgRole::Param && fn && argIndex < fn.getNumArguments() &&
        !isa<FloatType>(getElementTypeOrSelf(fn.getArgumentTypes()[argIndex])))
      return emitError(loc) << where << " is a parameter of type "
                            << fn.getArgumentTypes()[argIndex]
                            << "; parameters are float tensors (integer "
                               "values are inputs or state)";
    return success();
  }
  if (name == kInitAttr) {
    auto str = dyn_cast<StringAttr>(attr.getValue());
    if (!str)
      return op->emitError() << "'lp.init' on " << where << " must be a string";
    std::string error;
    if (!parseInitSpec(str.getValue(), error))
      return op->emitError() << "invalid 'lp.init' on " << where << ": "
                             << error;
    auto fn = dyn_cast<FunctionOpInterface>(op);
    if (fn && argIndex < fn.getNumArguments()) {
      std::optional<ArgRole> role = getArgRole(fn, argIndex);
      if (role != ArgRole::Param && role != ArgRole::State)
        return op->emitError() << "'lp.init' on " << where
                               << " requires lp.role = \"param\" or "
                                  "\"state\"";
    }
    return success();
  }
  return op->emitError() << "unknown lp argument attribute '" << name << "'";
}

LogicalResult LPDialect::verifyRegionResultAttribute(Operation *op,
                                                     unsigned regionIndex,
                                                     unsigned resultIndex,
                                                     NamedAttribute attr) {
  if (attr.getName().getValue() == kNameAttr)
    return expectName(op, attr, "result #" + std::to_string(resultIndex));
  return op->emitError() << "unknown lp result attribute '"
                         << attr.getName().getValue() << "'";
}

LogicalResult LPDialect::verifyOperationAttribute(Operation *op,
                                                  NamedAttribute attr) {
  StringRef name = attr.getName().getValue();
  if (name == kLayerAttr)
    return expectName(op, attr, "operation");
  if (name == kPrecisionAttr) {
    auto text = dyn_cast<StringAttr>(attr.getValue());
    static constexpr llvm::StringLiteral names[] = {
        "f32", "bf16", "f16", "int8", "int4", "fp8e4m3", "fp8e5m2"};
    if (!text || !llvm::is_contained(names, text.getValue()))
      return op->emitError() << "'lp.precision' must be one of \"f32\", "
                                "\"bf16\", \"f16\", \"int8\", \"int4\", "
                                "\"fp8e4m3\", \"fp8e5m2\"";
    return success();
  }
  if (name == kBlockAttr)
    return expectName(op, attr, "function");
  if (name == kLossWeightsAttr) {
    auto fn = dyn_cast<FunctionOpInterface>(op);
    auto weights = dyn_cast<ArrayAttr>(attr.getValue());
    if (!fn || !weights)
      return op->emitError()
             << "'lp.loss_weights' must be an array of floats on a function";
    // Once lowered (memref results or out-parameters) the count no longer
    // applies; it is checked while the function returns tensors.
    bool tensorResults =
        fn.getNumResults() > 0 &&
        llvm::all_of(fn.getResultTypes(), llvm::IsaPred<TensorType>);
    if (tensorResults && weights.size() != fn.getNumResults())
      return op->emitError() << "'lp.loss_weights' has " << weights.size()
                             << " entries but the function returns "
                             << fn.getNumResults() << " losses";
    for (Attribute w : weights) {
      auto f = dyn_cast<FloatAttr>(w);
      if (!f)
        return op->emitError()
               << "'lp.loss_weights' entries must be float attributes";
      if (!std::isfinite(f.getValueAsDouble()))
        return op->emitError() << "'lp.loss_weights' entries must be finite";
    }
    return success();
  }
  if (name == kInplaceResultsAttr) {
    auto fn = dyn_cast<FunctionOpInterface>(op);
    auto tied = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!fn || !tied)
      return op->emitError() << "'lp.inplace_results' must be an i64 array "
                                "on a function";
    for (int64_t arg : tied.asArrayRef())
      if (arg < -1 || arg >= int64_t(fn.getNumArguments()))
        return op->emitError() << "'lp.inplace_results' names argument "
                               << arg << " of a function with "
                               << fn.getNumArguments() << " arguments";
    return success();
  }
  if (name == kSignatureAttr) {
    if (!isa<FunctionOpInterface>(op) || !isa<StringAttr>(attr.getValue()))
      return op->emitError()
             << "'lp.signature' must be a string (a signature document) on "
                "a function";
    return success();
  }
  if (name == kConvAttr) {
    auto params = dyn_cast<DenseI64ArrayAttr>(attr.getValue());
    if (!params || params.size() != 4 ||
        llvm::any_of(params.asArrayRef(), [](int64_t v) { return v < 0; }) ||
        params[0] < 1 || params[1] < 1)
      return op->emitError() << "'lp.conv' must be [stride h, stride w, "
                                "padding h, padding w], strides >= 1";
    return success();
  }
  if (name == kRematAttr) {
    if (!isa<UnitAttr>(attr.getValue()))
      return op->emitError() << "'lp.remat' must be a unit attribute";
    return success();
  }
  return op->emitError() << "unknown lp attribute '" << name << "'";
}
