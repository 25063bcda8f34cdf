//===- RuntimeCalls.cpp - functions of the runtime that kernels call ------===//

#include "lp/Codegen/RuntimeCalls.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

func::FuncOp lp::declareRuntimeFunction(ModuleOp module, StringRef name,
                                        FunctionType type, StringRef pass,
                                        StringRef what) {
  if (Operation *existing = module.lookupSymbol(name)) {
    auto f = dyn_cast<func::FuncOp>(existing);
    if (f && f.getFunctionType() == type)
      return f;
    existing->emitError("'")
        << name << "' is already defined with another type; " << pass
        << " needs the " << what << " one " << type;
    return nullptr;
  }
  OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
  auto f = func::FuncOp::create(b, module.getLoc(), name, type);
  f.setPrivate();
  return f;
}

OpFoldResult lp::threadCount(OpBuilder &b, Location loc, ModuleOp module,
                             int64_t threads, StringRef pass) {
  if (threads > 0)
    return b.getIndexAttr(threads);
  func::FuncOp fn = declareRuntimeFunction(
      module, kNumThreadsSymbol, b.getFunctionType({}, {b.getIndexType()}),
      pass, "runtime's");
  if (!fn)
    return OpFoldResult();
  return func::CallOp::create(b, loc, fn, ValueRange{}).getResult(0);
}

lp::Blocks lp::splitIntoBlocks(OpBuilder &b, Location loc, int64_t len,
                               OpFoldResult threads, int64_t granule) {
  if (std::optional<int64_t> t = getConstantIntValue(threads)) {
    int64_t size =
        llvm::divideCeil(llvm::divideCeil(len, std::max<int64_t>(*t, 1)),
                         granule) *
        granule;
    return {
        arith::ConstantIndexOp::create(b, loc, size),
        arith::ConstantIndexOp::create(b, loc, llvm::divideCeil(len, size))};
  }
  Value total = arith::ConstantIndexOp::create(b, loc, len);
  Value size = arith::CeilDivUIOp::create(b, loc, total, cast<Value>(threads));
  if (granule > 1) {
    Value g = arith::ConstantIndexOp::create(b, loc, granule);
    size = arith::MulIOp::create(
        b, loc, arith::CeilDivUIOp::create(b, loc, size, g), g);
  }
  return {size, arith::CeilDivUIOp::create(b, loc, total, size)};
}

linalg::FillOp lp::zeroFillBefore(Operation *op, Value out) {
  auto fill = dyn_cast_or_null<linalg::FillOp>(op->getPrevNode());
  if (!fill || fill.getOutputs()[0] != out)
    return nullptr;
  auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  auto value = cst ? dyn_cast<FloatAttr>(cst.getValue()) : FloatAttr();
  return value && value.getValue().isZero() ? fill : nullptr;
}

Value lp::subviewAlong(OpBuilder &b, Location loc, Value m, unsigned dim,
                       OpFoldResult offset, OpFoldResult size) {
  auto type = cast<MemRefType>(m.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (auto [d, n] : llvm::enumerate(type.getShape()))
    sizes.push_back(
        ShapedType::isDynamic(n)
            ? OpFoldResult(memref::DimOp::create(b, loc, m, d).getResult())
            : b.getIndexAttr(n));
  offsets[dim] = offset;
  sizes[dim] = size;
  return memref::SubViewOp::create(b, loc, m, offsets, sizes, strides)
      .getResult();
}
