//===- Outlining.cpp - cloning ops into a private function ----------------===//

#include "lp/Utils/Outlining.h"

#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

llvm::SetVector<Value> lp::capturedValues(Operation *op) {
  llvm::SetVector<Value> captured;
  for (Value v : op->getOperands())
    captured.insert(v);
  getUsedValuesDefinedAbove(op->getRegions(), captured);
  return captured;
}

bool lp::isConstant(Value v) { return matchPattern(v, m_Constant()); }

func::FuncOp lp::outlineIntoFunction(OpBuilder &b, Location loc, StringRef name,
                                     ArrayRef<Operation *> ops, ValueRange args,
                                     ValueRange results) {
  OpBuilder::InsertionGuard guard(b);
  auto fn = func::FuncOp::create(
      b, loc, name, b.getFunctionType(args.getTypes(), results.getTypes()));
  fn.setPrivate();
  Block *body = fn.addEntryBlock();
  b.setInsertionPointToStart(body);
  IRMapping mapping;
  mapping.map(args, body->getArguments());
  for (Operation *op : ops) {
    for (Value v : capturedValues(op))
      if (!mapping.contains(v) && isConstant(v))
        mapping.map(v, b.clone(*v.getDefiningOp())->getResult(0));
    b.clone(*op, mapping);
  }
  SmallVector<Value> returned;
  for (Value v : results)
    returned.push_back(mapping.lookup(v));
  func::ReturnOp::create(b, loc, returned);
  return fn;
}

std::string lp::genericText(Operation *op) {
  std::string text;
  llvm::raw_string_ostream os(text);
  op->print(os, OpPrintingFlags().printGenericOpForm());
  return text;
}
