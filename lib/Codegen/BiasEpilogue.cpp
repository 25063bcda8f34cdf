//===- BiasEpilogue.cpp - a product's bias add, found for the library -----===//

#include "lp/Codegen/BiasEpilogue.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

namespace {
/// The buffer `v` views (through subviews, casts, reshapes).

/// Whether `a` and `b` are views of distinct buffers: allocations,
/// constant globals or a function's arguments (distinct arguments are
/// distinct buffers: the step's calling convention).
bool distinctBuffers(Value a, Value b) {
  auto known = [](Value v) {
    if (auto arg = dyn_cast<BlockArgument>(v))
      return arg.getOwner()->isEntryBlock() &&
             isa<func::FuncOp>(arg.getOwner()->getParentOp());
    return v.getDefiningOp<memref::AllocOp>() ||
           v.getDefiningOp<memref::AllocaOp>() ||
           v.getDefiningOp<memref::GetGlobalOp>();
  };
  Value ra = lp::rootBuffer(a), rb = lp::rootBuffer(b);
  return ra != rb && known(ra) && known(rb);
}
} // namespace

std::optional<lp::BiasEpilogue> lp::findBiasEpilogue(Operation *product,
                                                     Value c) {
  auto add = dyn_cast_or_null<linalg::GenericOp>(product->getNextNode());
  if (!add || !add.hasPureBufferSemantics() || add.getNumDpsInputs() != 2 ||
      add.getNumDpsInits() != 1 || add.getDpsInits()[0] != c ||
      add.getNumLoops() != 2 || add.getNumParallelLoops() != 2)
    return std::nullopt;
  MLIRContext *ctx = add.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap row = AffineMap::get(2, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<AffineMap> maps = add.getIndexingMapsArray();
  if (maps[2] != identity)
    return std::nullopt;
  // Which input is c (read at the element written) and which the bias.
  unsigned ci = add.getDpsInputs()[0] == c ? 0 : 1;
  Value bias = add.getDpsInputs()[1 - ci];
  auto biasType = dyn_cast<MemRefType>(bias.getType());
  if (add.getDpsInputs()[ci] != c || maps[ci] != identity ||
      maps[1 - ci] != row || !biasType || biasType.getRank() != 1 ||
      !biasType.getElementType().isF32())
    return std::nullopt;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(biasType.getStridesAndOffset(strides, offset)) || strides[0] != 1)
    return std::nullopt;
  // The body: addf(c, bias) (either order), neither used again, `out`
  // unused (it would read c before the bias).
  Block &body = add.getRegion().front();
  BlockArgument inC = body.getArgument(ci), inBias = body.getArgument(1 - ci);
  if (!inC.hasOneUse() || !inBias.hasOneUse() ||
      !body.getArgument(2).use_empty())
    return std::nullopt;
  auto addf = dyn_cast<arith::AddFOp>(*inC.getUsers().begin());
  if (!addf || addf->getBlock() != &body ||
      *inBias.getUsers().begin() != addf.getOperation())
    return std::nullopt;
  if (!distinctBuffers(bias, c))
    return std::nullopt;
  return BiasEpilogue{add, bias};
}

void lp::dropBiasAdd(const BiasEpilogue &e, Value c) {
  linalg::GenericOp add = e.add;
  Block &body = add.getRegion().front();
  unsigned ci = add.getDpsInputs()[0] == c ? 0 : 1;
  auto addf = cast<arith::AddFOp>(*body.getArgument(ci).getUsers().begin());
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getValues()[0] == addf.getResult() &&
      body.getOperations().size() == 2) {
    add.erase();
    return;
  }
  OpBuilder b(add);
  MLIRContext *ctx = add.getContext();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  auto rest = linalg::GenericOp::create(
      b, add.getLoc(), ValueRange{c}, ValueRange{c},
      ArrayRef<AffineMap>{identity, identity}, add.getIteratorTypesArray(),
      [&](OpBuilder &nb, Location, ValueRange args) {
        IRMapping map;
        map.map(addf.getResult(), args[0]);
        map.map(body.getArgument(2), args[1]);
        for (Operation &op : body.without_terminator())
          if (&op != addf.getOperation())
            nb.clone(op, map);
        linalg::YieldOp::create(nb, add.getLoc(),
                                map.lookupOrDefault(yield.getValues()[0]));
      });
  rest->setDiscardableAttrs(add->getDiscardableAttrDictionary());
  add.erase();
}
