//===- BiasEpilogue.cpp - a product's bias add, found for the library -----===//

#include "lp/Codegen/BiasEpilogue.h"
#include "lp/Utils/BufferViews.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;

using lp::distinctBuffers;

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

namespace {
/// Whether `g` is `in + out` (either order) over the body's two arguments
/// and nothing else; `in` widened to f32 first when it is 16-bit.
bool isSumBody(linalg::GenericOp g) {
  Block &body = g.getRegion().front();
  if (body.getNumArguments() != 2)
    return false;
  // add, yield; and an extf first when the element is 16-bit.
  Value in = body.getArgument(0);
  if (body.getOperations().size() != (in.getType().isF32() ? 2u : 3u))
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto addf = yield.getValues().size() == 1
                  ? yield.getValues()[0].getDefiningOp<arith::AddFOp>()
                  : arith::AddFOp();
  if (!addf)
    return false;
  // The element, widened to f32 when B is 16-bit (autocast's products).
  if (!in.getType().isF32()) {
    auto ext = dyn_cast<arith::ExtFOp>(body.front());
    if (!ext || ext.getIn() != in || !ext->hasOneUse())
      return false;
    in = ext.getResult();
  }
  Value x = addf.getLhs(), y = addf.getRhs();
  return (x == in && y == body.getArgument(1)) ||
         (x == body.getArgument(1) && y == in);
}
} // namespace

std::optional<lp::BiasGradEpilogue>
lp::findBiasGradEpilogue(Operation *product, Value b, bool transposedB,
                         ValueRange others) {
  auto bType = dyn_cast<MemRefType>(b.getType());
  if (!bType || bType.getRank() != 2 || !bType.hasStaticShape() ||
      !(bType.getElementType().isF32() || bType.getElementType().isBF16() ||
        bType.getElementType().isF16()))
    return std::nullopt;
  MLIRContext *ctx = product->getContext();
  // k is the stored rows of B, or its columns when transposed; the sum
  // keeps the other dimension.
  unsigned kDim = transposedB ? 1 : 0;
  AffineMap identity = AffineMap::getMultiDimIdentityMap(2, ctx);
  AffineMap kept = AffineMap::get(2, 0, {getAffineDimExpr(1 - kDim, ctx)}, ctx);
  SmallVector<linalg::FillOp> fills;
  int steps = 0;
  for (Operation *op = product->getNextNode(); op && steps < 16;
       op = op->getNextNode(), ++steps) {
    if (isa<memref::AllocOp>(op))
      continue;
    if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
      if (lp::rootBuffer(dealloc.getMemref()) == lp::rootBuffer(b))
        return std::nullopt;
      continue;
    }
    if (auto fill = dyn_cast<linalg::FillOp>(op)) {
      if (!fill.hasPureBufferSemantics())
        return std::nullopt;
      fills.push_back(fill);
      continue;
    }
    auto sum = dyn_cast<linalg::GenericOp>(op);
    if (!sum || !sum.hasPureBufferSemantics() || sum.getNumDpsInputs() != 1 ||
        sum.getNumDpsInits() != 1 || sum.getDpsInputs()[0] != b)
      return std::nullopt;
    Value grad = sum.getDpsInits()[0];
    auto gradType = dyn_cast<MemRefType>(grad.getType());
    SmallVector<AffineMap> maps = sum.getIndexingMapsArray();
    auto iterators = sum.getIteratorTypesArray();
    if (!gradType || gradType.getRank() != 1 ||
        !gradType.getElementType().isF32() ||
        gradType.getShape()[0] != bType.getShape()[1 - kDim] ||
        maps[0] != identity || maps[1] != kept ||
        iterators[kDim] != utils::IteratorType::reduction ||
        iterators[1 - kDim] != utils::IteratorType::parallel || !isSumBody(sum))
      return std::nullopt;
    SmallVector<int64_t> strides;
    int64_t offset;
    if (failed(gradType.getStridesAndOffset(strides, offset)) ||
        strides[0] != 1 || !distinctBuffers(grad, b) ||
        llvm::any_of(others,
                     [&](Value v) { return !distinctBuffers(grad, v); }))
      return std::nullopt;
    // The sum starts from +0, set between the product and the sum; any
    // other fill there writes a buffer allocated after the product, which
    // neither the product nor the sum reads.
    linalg::FillOp zero;
    for (linalg::FillOp fill : fills) {
      if (fill.getOutputs()[0] == grad) {
        auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
        auto value = cst ? dyn_cast<FloatAttr>(cst.getValue()) : FloatAttr();
        if (!value || !value.getValue().isPosZero() || zero)
          return std::nullopt; // one fill, erased with the sum
        zero = fill;
        continue;
      }
      auto alloc =
          lp::rootBuffer(fill.getOutputs()[0]).getDefiningOp<memref::AllocOp>();
      if (!alloc || alloc->getBlock() != product->getBlock() ||
          alloc->isBeforeInBlock(product) ||
          lp::rootBuffer(grad) == alloc.getResult())
        return std::nullopt;
    }
    if (!zero)
      return std::nullopt;
    // The product's call writes `grad`: it must exist there. The sum, in
    // the product's block, uses it, so one defined in another block is
    // defined in an enclosing one.
    Operation *def = grad.getDefiningOp();
    bool before = !def || def->getBlock() != product->getBlock() ||
                  def->isBeforeInBlock(product);
    bool movable = isa_and_nonnull<memref::AllocOp>(def) &&
                   def->getNumOperands() == 0 &&
                   def->getBlock() == product->getBlock();
    if (!before && !movable)
      return std::nullopt;
    return BiasGradEpilogue{sum, zero, grad};
  }
  return std::nullopt;
}

void lp::dropBiasGradSum(const BiasGradEpilogue &e, Operation *product) {
  Operation *def = e.grad.getDefiningOp();
  if (def && def->getBlock() == product->getBlock() &&
      product->isBeforeInBlock(def))
    def->moveBefore(product);
  linalg::FillOp fill = e.fill;
  linalg::GenericOp sum = e.sum;
  fill.erase();
  sum.erase();
}
