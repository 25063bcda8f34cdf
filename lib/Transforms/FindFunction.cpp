//===- FindFunction.cpp - the function a tool or pass works on ------------===//

#include "lp/Transforms/FindFunction.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"

using namespace mlir;
using namespace lp;

static bool isCandidate(func::FuncOp fn, FunctionKind kind) {
  if (kind == FunctionKind::Public)
    return fn.isPublic();
  for (unsigned i = 0; i < fn.getNumArguments(); ++i)
    if (fn.getArgAttr(i, kRoleAttr))
      return true;
  return false;
}

func::FuncOp lp::findFunction(ModuleOp module, StringRef name,
                              FunctionKind kind, StringRef chooseWith) {
  const char *what = kind == FunctionKind::Model ? "model" : "public";
  func::FuncOp found;
  for (auto fn : module.getOps<func::FuncOp>()) {
    if (fn.isExternal())
      continue;
    if (!name.empty()) {
      if (fn.getSymName() == name)
        return fn;
      continue;
    }
    if (!isCandidate(fn, kind))
      continue;
    if (found) {
      module.emitError() << "several " << what << " functions (@"
                         << found.getSymName() << ", @" << fn.getSymName()
                         << "); choose one with " << chooseWith;
      return nullptr;
    }
    found = fn;
  }
  if (found)
    return found;
  if (!name.empty())
    module.emitError() << "no function named '" << name << "'";
  else if (kind == FunctionKind::Model)
    module.emitError()
        << "no model function (a func.func with lp.role arguments)";
  else
    module.emitError() << "the module has no function to run";
  return nullptr;
}
