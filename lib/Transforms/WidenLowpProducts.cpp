//===- WidenLowpProducts.cpp - the lp-widen-lowp-products pass ------------===//
//
// On a CPU without native bf16 (or f16) products the runtime would widen
// both operands of every low-precision product on every call: a weight
// cast to bf16 once per step was widened again by the forward product and
// by the backward one. Here the widening is part of the step instead: once
// per value, after its definition, where lowering fuses it with the
// rounding that produced the value, and the products become f32 library
// calls. Exact: the product of two bf16 (f16) values fits in f32, and a
// lowp op accumulates in f32 anyway.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <functional>

namespace lp {
#define GEN_PASS_DEF_WIDENLOWPPRODUCTS
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

bool isLowp(Operation *op) {
  auto iface = dyn_cast<PrecisionOpInterface>(op);
  return iface && iface.getPrecisionClass() == PrecisionClass::lowp;
}

/// `type` with element type f32.
Type widened(Type type) {
  auto tensor = cast<RankedTensorType>(type);
  return RankedTensorType::get(tensor.getShape(),
                               Float32Type::get(type.getContext()));
}

struct WidenLowpProducts : lp::impl::WidenLowpProductsBase<WidenLowpProducts> {
  using Base::Base;

  /// Whether values of element type `t` are widened.
  bool selected(Type t) const {
    return (t.isBF16() && widenBF16) || (t.isF16() && widenF16);
  }

  void runOnOperation() override {
    widenBF16 = types.empty();
    widenF16 = types.empty();
    for (const std::string &t : types) {
      if (t == "bf16") {
        widenBF16 = true;
      } else if (t == "f16") {
        widenF16 = true;
      } else {
        getOperation().emitError() << "lp-widen-lowp-products: unknown type '"
                                   << t << "' (expected bf16 or f16)";
        return signalPassFailure();
      }
    }
    getOperation().walk([&](func::FuncOp fn) { widenIn(fn); });
  }

  void widenIn(func::FuncOp fn) {
    DenseMap<Value, Value> wide;         // a 16-bit value -> its one widening
    SmallVector<Operation *> transposes; // 16-bit ones, dead once all read
    Operation *lastArgCast = nullptr;    // casts of arguments, in order
    std::function<Value(Value)> widen = [&](Value v) -> Value {
      if (Value cached = wide.lookup(v))
        return cached;
      OpBuilder b(fn.getContext());
      // A transposed value is the transpose of the widened value: the
      // backward products read the forward's widening, and the transpose
      // still folds into the f32 product.
      if (auto transpose = v.getDefiningOp<TransposeOp>()) {
        Value input = widen(transpose.getInput());
        b.setInsertionPointAfter(transpose);
        Operation *wideT = b.clone(*transpose);
        wideT->setOperand(0, input);
        wideT->getResult(0).setType(widened(v.getType()));
        transposes.push_back(transpose);
        return wide[v] = wideT->getResult(0);
      }
      auto arg = dyn_cast<BlockArgument>(v);
      if (arg && lastArgCast && lastArgCast->getBlock() == arg.getOwner())
        b.setInsertionPointAfter(lastArgCast);
      else if (arg)
        b.setInsertionPointToStart(arg.getOwner());
      else
        b.setInsertionPointAfterValue(v);
      auto cast = CastOp::create(b, v.getLoc(), widened(v.getType()), v,
                                 RoundingMode::nearest_even);
      if (arg)
        lastArgCast = cast;
      if (Operation *def = v.getDefiningOp())
        if (auto layer = def->getAttrOfType<StringAttr>(kLayerAttr))
          cast->setAttr(kLayerAttr, layer);
      return wide[v] = cast.getResult();
    };

    SmallVector<Operation *> products;
    fn.walk([&](Operation *op) {
      if (!isLowp(op))
        return;
      bool any = false, all = true;
      for (Value v : op->getOperands()) {
        Type elem = getElementTypeOrSelf(v.getType());
        if (elem.isBF16() || elem.isF16()) {
          any = true;
          all = all && selected(elem);
        }
      }
      if (any && all)
        products.push_back(op);
    });

    for (Operation *op : products) {
      SmallVector<Value> operands;
      for (Value v : op->getOperands())
        operands.push_back(
            selected(getElementTypeOrSelf(v.getType())) ? widen(v) : v);
      OpBuilder b(op);
      // A clone keeps the attributes and properties (segment sizes of an
      // optional bias); operands and result types are then made f32.
      Operation *wideOp = b.clone(*op);
      wideOp->setOperands(operands);
      for (OpResult r : wideOp->getResults())
        if (selected(getElementTypeOrSelf(r.getType())))
          r.setType(widened(r.getType()));
      SmallVector<Value> results;
      for (auto [old, now] :
           llvm::zip_equal(op->getResults(), wideOp->getResults())) {
        if (old.getType() == now.getType()) {
          results.push_back(now);
          continue;
        }
        auto round = CastOp::create(b, op->getLoc(), old.getType(), now,
                                    RoundingMode::nearest_even);
        if (auto layer = op->getAttrOfType<StringAttr>(kLayerAttr))
          round->setAttr(kLayerAttr, layer);
        results.push_back(round.getResult());
      }
      op->replaceAllUsesWith(results);
      op->erase();
    }
    for (Operation *t : llvm::reverse(transposes))
      if (t->use_empty())
        t->erase();
  }

  bool widenBF16 = false, widenF16 = false;
};

} // namespace
