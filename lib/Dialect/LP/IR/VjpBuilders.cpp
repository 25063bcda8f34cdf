//===- VjpBuilders.cpp - small lp-op builders for gradient rules ----------===//

#include "VjpBuilders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Traits.h"

using namespace mlir;

namespace lp::vjp {

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

Type elementType(Value v) { return tensorType(v).getElementType(); }

Value scalar(OpBuilder &b, Location loc, Type elementType, double value) {
  auto type = RankedTensorType::get({}, elementType);
  auto attr = DenseElementsAttr::get(type, b.getFloatAttr(elementType, value));
  return arith::ConstantOp::create(b, loc, type, attr);
}

template <typename OpTy>
Value binary(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  SmallVector<int64_t> shape;
  (void)OpTrait::util::getBroadcastedShape(tensorType(lhs).getShape(),
                                           tensorType(rhs).getShape(), shape);
  auto type = RankedTensorType::get(shape, elementType(lhs));
  return OpTy::create(b, loc, type, lhs, rhs);
}
template Value binary<AddOp>(OpBuilder &, Location, Value, Value);
template Value binary<SubOp>(OpBuilder &, Location, Value, Value);
template Value binary<MulOp>(OpBuilder &, Location, Value, Value);
template Value binary<DivOp>(OpBuilder &, Location, Value, Value);

Value scale(OpBuilder &b, Location loc, Value x, double value) {
  return binary<MulOp>(b, loc, x, scalar(b, loc, elementType(x), value));
}

Value reshape(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  if (tensorType(x).getShape() == shape)
    return x;
  return ReshapeOp::create(
      b, loc, RankedTensorType::get(shape, elementType(x)), x);
}

SmallVector<int64_t> keepdimsShape(ArrayRef<int64_t> shape,
                                   ArrayRef<int64_t> axes) {
  SmallVector<int64_t> out(shape);
  for (int64_t a : axes)
    out[a < 0 ? a + int64_t(shape.size()) : a] = 1;
  return out;
}

Value sumKeep(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> axes) {
  auto shape = keepdimsShape(tensorType(x).getShape(), axes);
  return ReduceSumOp::create(b, loc,
                             RankedTensorType::get(shape, elementType(x)), x,
                             b.getDenseI64ArrayAttr(axes),
                             b.getBoolAttr(true));
}

Value sumToShape(OpBuilder &b, Location loc, Value grad,
                 ArrayRef<int64_t> shape) {
  ArrayRef<int64_t> g = tensorType(grad).getShape();
  if (g == shape)
    return grad;
  int64_t offset = g.size() - shape.size();
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < int64_t(g.size()); ++i)
    if (i < offset || (shape[i - offset] == 1 && g[i] != 1))
      axes.push_back(i);
  Value summed = axes.empty() ? grad : sumKeep(b, loc, grad, axes);
  return reshape(b, loc, summed, shape);
}

Value broadcast(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> shape) {
  if (tensorType(x).getShape() == shape)
    return x;
  return BroadcastOp::create(
      b, loc, RankedTensorType::get(shape, elementType(x)), x);
}

Value transposeLast2(OpBuilder &b, Location loc, Value x) {
  auto shape = tensorType(x).getShape();
  int64_t rank = shape.size();
  SmallVector<int64_t> perm, out;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[rank - 1], perm[rank - 2]);
  for (int64_t p : perm)
    out.push_back(shape[p]);
  return TransposeOp::create(b, loc,
                             RankedTensorType::get(out, elementType(x)), x,
                             b.getDenseI64ArrayAttr(perm));
}

} // namespace lp::vjp
