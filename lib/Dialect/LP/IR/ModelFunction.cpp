//===- ModelFunction.cpp - the lp.* attributes of a model function --------===//

#include "lp/Dialect/LP/IR/ModelFunction.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringSet.h"

using namespace mlir;
using namespace lp;

std::optional<ArgRole> lp::getArgRole(FunctionOpInterface fn, unsigned i) {
  auto role = fn.getArgAttrOfType<StringAttr>(i, kRoleAttr);
  if (!role)
    return std::nullopt;
  return parseArgRole(role.getValue());
}

bool lp::isParam(FunctionOpInterface fn, unsigned i) {
  return getArgRole(fn, i) == ArgRole::Param;
}

bool lp::isState(FunctionOpInterface fn, unsigned i) {
  return getArgRole(fn, i) == ArgRole::State;
}

std::optional<unsigned> lp::findStateArg(FunctionOpInterface fn,
                                         StringRef name) {
  for (unsigned i = 0, e = fn.getNumArguments(); i < e; ++i)
    if ((isParam(fn, i) || isState(fn, i)) && argName(fn, i) == name)
      return i;
  return std::nullopt;
}

bool lp::isStateResult(FunctionOpInterface fn, unsigned i) {
  std::optional<unsigned> arg = findStateArg(fn, resultName(fn, i));
  return arg && isState(fn, *arg);
}

std::string lp::argName(FunctionOpInterface fn, unsigned i) {
  if (auto name = fn.getArgAttrOfType<StringAttr>(i, kNameAttr))
    return name.getValue().str();
  return defaultArgName(i);
}

std::string lp::resultName(FunctionOpInterface fn, unsigned i) {
  if (auto name = fn.getResultAttrOfType<StringAttr>(i, kNameAttr))
    return name.getValue().str();
  return defaultResultName(i);
}

LogicalResult lp::checkReservedNames(FunctionOpInterface model,
                                     StringRef reserver,
                                     ArrayRef<std::string_view> names,
                                     ArrayRef<std::string_view> kinds) {
  llvm::StringSet<> params;
  for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i)
    if (isParam(model, i))
      params.insert(argName(model, i));
  // Why `name` is reserved; "" if it is not.
  auto reservedBecause = [&](StringRef name) -> std::string {
    std::string because = "a name " + reserver.str() + " reserves";
    if (isReservedName(name, names))
      return because;
    if (llvm::is_contained(names, kLogits) && name.starts_with(kLogitsPrefix))
      return because + " (each cross-entropy head's logits)";
    std::optional<std::string_view> owner = stateOwner(name, kinds);
    if (!owner || !params.contains(*owner))
      return "";
    return because + " for parameter '" + std::string(*owner) + "'";
  };
  for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i) {
    std::string name = argName(model, i);
    std::string because = reservedBecause(name);
    if (because.empty())
      continue;
    Location loc =
        model.isExternal() ? model.getLoc() : model.getArgument(i).getLoc();
    return emitError(loc) << "argument #" << i << " is named '" << name << "', "
                          << because;
  }
  for (unsigned i = 0, e = model.getNumResults(); i < e; ++i) {
    std::string name = resultName(model, i);
    std::string because = reservedBecause(name);
    if (!because.empty())
      return model.emitError()
             << "result #" << i << " is named '" << name << "', " << because;
  }
  return success();
}

BlockArgument lp::appendModelArgument(FunctionOpInterface fn, Type type,
                                      StringRef role, StringRef name,
                                      StringRef init) {
  MLIRContext *ctx = fn.getContext();
  NamedAttribute attrs[] = {NamedAttribute(StringAttr::get(ctx, kRoleAttr),
                                           StringAttr::get(ctx, role)),
                            NamedAttribute(StringAttr::get(ctx, kNameAttr),
                                           StringAttr::get(ctx, name)),
                            NamedAttribute(StringAttr::get(ctx, kInitAttr),
                                           StringAttr::get(ctx, init))};
  unsigned index = fn.getNumArguments();
  (void)fn.insertArgument(index, type, DictionaryAttr::get(ctx, attrs),
                          fn.getLoc());
  return fn.getArgument(index);
}

void lp::spellDefaultNames(FunctionOpInterface fn) {
  Builder b(fn.getContext());
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (!fn.getArgAttr(i, kNameAttr))
      fn.setArgAttr(i, kNameAttr, b.getStringAttr(argName(fn, i)));
  for (unsigned i = 0; i < fn.getNumResults(); ++i)
    if (!fn.getResultAttr(i, kNameAttr))
      fn.setResultAttr(i, kNameAttr, b.getStringAttr(resultName(fn, i)));
}
