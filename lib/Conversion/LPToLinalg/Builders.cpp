//===- Builders.cpp - helpers shared by the lp-to-linalg patterns ---------===//

#include "Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace lp::detail {

FloatType computeType(Type elementType) {
  if (elementType.isF64())
    return Float64Type::get(elementType.getContext());
  return Float32Type::get(elementType.getContext());
}

Value cst(OpBuilder &b, Location loc, Value like, double value) {
  return floatConst(b, loc, like.getType(), value);
}

Value toCompute(OpBuilder &b, Location loc, Value v) {
  auto ft = dyn_cast<FloatType>(v.getType());
  if (!ft || ft.getWidth() >= 32)
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

Value toType(OpBuilder &b, Location loc, Value v, Type type) {
  if (v.getType() == type)
    return v;
  auto from = cast<FloatType>(v.getType());
  auto to = cast<FloatType>(type);
  if (from.isF64() && to.isBF16()) {
    // f64 -> bf16 in one rounding: to f32 rounded to odd (an inexact result
    // keeps a set last bit, so the f32 -> bf16 rounding that follows sees
    // which side of a bf16 midpoint the f64 value is on), then to bf16.
    // Through a plain f32 the value is rounded twice: 1 + 2^-8 + 2^-40
    // would give 1.0, not 1.0078125.
    Value f = arith::TruncFOp::create(b, loc, b.getF32Type(), v);
    Value back = arith::ExtFOp::create(b, loc, from, f);
    Value inexact =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ONE, back, v);
    Value over = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT,
                                       math::AbsFOp::create(b, loc, back),
                                       math::AbsFOp::create(b, loc, v));
    Type i32 = b.getI32Type();
    Value bits = arith::BitcastOp::create(b, loc, i32, f);
    Value one = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(1));
    Value towardZero = arith::SelectOp::create(
        b, loc, over, arith::SubIOp::create(b, loc, bits, one), bits);
    Value odd = arith::SelectOp::create(
        b, loc, inexact, arith::OrIOp::create(b, loc, towardZero, one), bits);
    return arith::TruncFOp::create(
        b, loc, type, arith::BitcastOp::create(b, loc, b.getF32Type(), odd));
  }
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(b, loc, type, v);
  if (from.getWidth() > to.getWidth())
    return arith::TruncFOp::create(b, loc, type, v);
  // Same width, different format (f16 <-> bf16): go through f32.
  Value wide = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  return arith::TruncFOp::create(b, loc, type, wide);
}

Value floatConst(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
}

Value emptyTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                  Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape, elementType);
}

Value filledTensor(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                   Type elementType, double value) {
  Value empty = emptyTensor(b, loc, shape, elementType);
  Value cst = floatConst(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, cst, empty).getResult(0);
}

AffineMap broadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                       ArrayRef<int64_t> resultShape) {
  SmallVector<AffineExpr> exprs;
  int64_t offset = resultShape.size() - operandShape.size();
  for (auto [i, d] : llvm::enumerate(operandShape)) {
    int64_t r = offset + i;
    if (d == 1 && resultShape[r] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(r, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value buildMapped(OpBuilder &b, Location loc, RankedTensorType resultType,
                  ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                  BodyFn body) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(identityMap(ctx, rank));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = emptyTensor(b, loc, resultType.getShape(),
                           resultType.getElementType());
  Type outElem = resultType.getElementType();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> in;
        for (Value a : args.drop_back())
          in.push_back(toCompute(nb, nloc, a));
        Value r = body(nb, nloc, in);
        if (isa<FloatType>(outElem) && r.getType() != outElem)
          r = toType(nb, nloc, r, outElem);
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, BodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value in : inputs)
    maps.push_back(broadcastMap(b.getContext(),
                                cast<RankedTensorType>(in.getType()).getShape(),
                                resultType.getShape()));
  return buildMapped(b, loc, resultType, inputs, maps, body);
}

AffineMap keptDimsMap(MLIRContext *ctx, ArrayRef<bool> reduced) {
  SmallVector<AffineExpr> exprs;
  for (auto [i, r] : llvm::enumerate(reduced))
    if (!r)
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(reduced.size(), 0, exprs, ctx);
}

void reductionSpace(ArrayRef<int64_t> iterShape, ArrayRef<bool> reduced,
                    SmallVectorImpl<int64_t> &outShape,
                    SmallVectorImpl<utils::IteratorType> &iters) {
  for (auto [i, r] : llvm::enumerate(reduced)) {
    iters.push_back(r ? utils::IteratorType::reduction
                      : utils::IteratorType::parallel);
    if (!r)
      outShape.push_back(iterShape[i]);
  }
}

Value buildReduction(OpBuilder &b, Location loc, ArrayRef<int64_t> iterShape,
                     ValueRange inputs, ArrayRef<AffineMap> inputMaps,
                     ArrayRef<bool> reduced, double init, CombineFn combine) {
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> outShape;
  SmallVector<utils::IteratorType> iters;
  reductionSpace(iterShape, reduced, outShape, iters);
  Type accType = b.getF32Type();
  for (Value in : inputs)
    if (cast<RankedTensorType>(in.getType()).getElementType().isF64())
      accType = b.getF64Type();
  Value acc = filledTensor(b, loc, outShape, accType, init);
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(keptDimsMap(ctx, reduced));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{acc.getType()}, inputs, ValueRange{acc}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        SmallVector<Value> xs;
        for (Value a : args.drop_back())
          xs.push_back(toCompute(nb, nloc, a));
        linalg::YieldOp::create(nb, nloc,
                                combine(nb, nloc, args.back(), xs));
      });
  return generic.getResult(0);
}

Value addCombine(OpBuilder &b, Location loc, Value acc, ValueRange xs) {
  return arith::AddFOp::create(b, loc, acc, xs[0]);
}

Value maxCombine(OpBuilder &b, Location loc, Value acc, ValueRange xs) {
  return arith::MaximumFOp::create(b, loc, acc, xs[0]);
}

Value reduceOne(OpBuilder &b, Location loc, Value x, ArrayRef<bool> reduced,
                double init, CombineFn combine) {
  return buildReduction(b, loc, shapeOf(x), x,
                        identityMap(b.getContext(), reduced.size()), reduced,
                        init, combine);
}

std::pair<Value, Value> maxAndSumShiftedExp(OpBuilder &b, Location loc, Value x,
                                            ArrayRef<bool> reduced) {
  Value m = reduceOne(b, loc, x, reduced, kNegInf, maxCombine);
  MLIRContext *ctx = b.getContext();
  Value s = buildReduction(
      b, loc, shapeOf(x), ValueRange{x, m},
      {identityMap(ctx, reduced.size()), keptDimsMap(ctx, reduced)}, reduced,
      0.0, [](OpBuilder &nb, Location l, Value acc, ValueRange xs) -> Value {
        Value e = math::ExpOp::create(
            nb, l, arith::SubFOp::create(nb, l, xs[0], xs[1]));
        return arith::AddFOp::create(nb, l, acc, e);
      });
  return {m, s};
}

SmallVector<bool> flagAxes(ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<bool> flags(rank, false);
  for (int64_t a : axes)
    flags[a < 0 ? a + rank : a] = true;
  return flags;
}

AffineMap identityMap(MLIRContext *ctx, int64_t rank) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx);
}

/// Reassociation grouping all `rank` dimensions into one.
static SmallVector<ReassociationIndices> allInOne(int64_t rank) {
  ReassociationIndices all;
  for (int64_t i = 0; i < rank; ++i)
    all.push_back(i);
  return {all};
}

Value reshapeTo(OpBuilder &b, Location loc, Value v, RankedTensorType type) {
  auto from = cast<RankedTensorType>(v.getType());
  if (from.getShape() == type.getShape())
    return v;
  // Rank 0 <-> all-unit shapes need an empty reassociation.
  if (from.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, v,
                                         SmallVector<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, v,
                                           SmallVector<ReassociationIndices>{});
  // Otherwise collapse to rank 1, then expand to the target shape.
  Value flat = v;
  if (from.getRank() > 1) {
    auto flatType = RankedTensorType::get({from.getNumElements()},
                                          from.getElementType());
    flat = tensor::CollapseShapeOp::create(b, loc, flatType, v,
                                           allInOne(from.getRank()));
  }
  if (type.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       allInOne(type.getRank()));
}

Value buildMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  SmallVector<int64_t> shape(lt.getShape().drop_back());
  shape.push_back(rt.getShape().back());
  Type acc = computeType(lt.getElementType());
  Value init = filledTensor(b, loc, shape, acc, 0.0);
  auto type = RankedTensorType::get(shape, acc);
  if (lt.getRank() == 2)
    return linalg::MatmulOp::create(b, loc, TypeRange{type},
                                    ValueRange{lhs, rhs}, ValueRange{init})
        .getResult(0);
  return linalg::BatchMatmulOp::create(b, loc, TypeRange{type},
                                       ValueRange{lhs, rhs}, ValueRange{init})
      .getResult(0);
}

RankedTensorType withShape(Value v, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(
      shape, cast<RankedTensorType>(v.getType()).getElementType());
}

Value filterMatrix(OpBuilder &b, Location loc, Value filter) {
  ArrayRef<int64_t> s = shapeOf(filter);
  return reshapeTo(b, loc, filter,
                   withShape(filter, {s[0], s[1] * s[2] * s[3]}));
}

/// A tensor of `type` whose elements are `v` read through `map` (a
/// gathering copy).
static Value copyThrough(OpBuilder &b, Location loc, RankedTensorType type,
                         Value v, AffineMap map) {
  return buildMapped(b, loc, type, v, map,
                     [](OpBuilder &, Location, ValueRange a) -> Value {
                       return a[0];
                     });
}

Value im2col(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> kernel,
             ArrayRef<int64_t> stride, ArrayRef<int64_t> outHW) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(x.getType());
  int64_t n = type.getDimSize(0), c = type.getDimSize(1);
  // loops (c, kh, kw, n, oh, ow) read x[n, c, oh * sh + kh, ow * sw + kw].
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineMap xMap = AffineMap::get(
      6, 0, {d(3), d(0), d(4) * stride[0] + d(1), d(5) * stride[1] + d(2)},
      ctx);
  Value cols = copyThrough(
      b, loc,
      withShape(x, {c, kernel[0], kernel[1], n, outHW[0], outHW[1]}), x, xMap);
  auto flat = withShape(
      x, {c * kernel[0] * kernel[1], n * outHW[0] * outHW[1]});
  return tensor::CollapseShapeOp::create(
      b, loc, flat, cols, SmallVector<ReassociationIndices>{{0, 1, 2}, {3, 4, 5}});
}

Value swapLeadingDims(OpBuilder &b, Location loc, Value v) {
  SmallVector<int64_t> shape(shapeOf(v));
  std::swap(shape[0], shape[1]);
  MLIRContext *ctx = b.getContext();
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  AffineMap map = AffineMap::get(4, 0, {d(1), d(0), d(2), d(3)}, ctx);
  return copyThrough(b, loc, withShape(v, shape), v, map);
}

Value padSpatial(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> pad,
                 double value) {
  if (pad[0] == 0 && pad[1] == 0)
    return x;
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += 2 * pad[0];
  shape[3] += 2 * pad[1];
  SmallVector<OpFoldResult> low{b.getIndexAttr(0), b.getIndexAttr(0),
                                b.getIndexAttr(pad[0]), b.getIndexAttr(pad[1])};
  Value padValue = floatConst(b, loc, type.getElementType(), value);
  return tensor::PadOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x, low, low,
      padValue);
}

RankedTensorType resultTypeOf(Operation *op) {
  return cast<RankedTensorType>(op->getResult(0).getType());
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

Value convertElements(OpBuilder &b, Location loc, Value v, Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  auto resultType = RankedTensorType::get(type.getShape(), elementType);
  return buildElementwise(
      b, loc, resultType, v,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

/// Clamps an integer index value into [0, size) and casts it to index.
Value clampedIndex(OpBuilder &b, Location loc, Value id, int64_t size) {
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), id);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value last = arith::ConstantIndexOp::create(b, loc, size - 1);
  idx = arith::MaxSIOp::create(b, loc, idx, zero);
  return arith::MinSIOp::create(b, loc, idx, last);
}

} // namespace lp::detail

Value lp::detail::finishContraction(OpBuilder &b, Location loc, Value acc,
                                    Value bias, int64_t dim,
                                    RankedTensorType resultType) {
  if (!bias)
    return convertElements(b, loc, acc, resultType.getElementType());
  MLIRContext *ctx = b.getContext();
  int64_t rank = resultType.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap biasMap = AffineMap::get(rank, 0, getAffineDimExpr(dim, ctx));
  return buildMapped(b, loc, resultType, ValueRange{acc, bias}, {id, biasMap},
                     [](OpBuilder &nb, Location nloc, ValueRange a) -> Value {
                       return arith::AddFOp::create(nb, nloc, a[0], a[1]);
                     });
}
