//===- BufferViews.cpp - a buffer and the views made of it ----------------===//

#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

Value lp::rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

llvm::SetVector<Value> lp::viewsOf(Value buffer) {
  llvm::SetVector<Value> views;
  views.insert(buffer);
  for (size_t i = 0; i < views.size(); ++i)
    for (Operation *user : views[i].getUsers())
      for (Value r : user->getResults())
        if (isa<BaseMemRefType>(r.getType()))
          views.insert(r);
  return views;
}

bool lp::distinctBuffers(Value a, Value b) {
  auto known = [](Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner()->isEntryBlock() &&
             isa<func::FuncOp>(arg.getOwner()->getParentOp());
    return v.getDefiningOp<memref::AllocOp>() ||
           v.getDefiningOp<memref::AllocaOp>() ||
           v.getDefiningOp<memref::GetGlobalOp>();
  };
  Value ra = rootBuffer(a), rb = rootBuffer(b);
  return ra != rb && known(ra) && known(rb);
}
