//===- LPOps.cpp - lp dialect operation verifiers -------------------------===//
//
// ODS checks element-type classes; these verifiers check what ODS cannot
// say: shapes, axes and attribute values. Each looks at its own op only.
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPOps.h"
#include "VerifyUtils.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

#define GET_OP_CLASSES
#include "lp/Dialect/LP/IR/LPOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static LogicalResult verifyResultShape(Operation *op,
                                       ArrayRef<int64_t> expected) {
  auto actual = rankedType(op->getResult(0)).getShape();
  if (actual != expected)
    return op->emitOpError()
           << "result shape " << shapeString(actual) << " does not match "
           << "the expected shape " << shapeString(expected);
  return success();
}

/// Normalises a possibly negative axis; fails if out of range.
static FailureOr<int64_t> normalizeAxis(Operation *op, int64_t axis,
                                        int64_t rank, StringRef name) {
  if (axis < -rank || axis >= rank || rank == 0) {
    op->emitOpError() << name << " " << axis << " is out of range for rank "
                      << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  if (failed(verifyContraction(*this)))
    return failure();
  auto x = rankedType(getInput()).getShape();
  auto w = rankedType(getWeight()).getShape();
  if (x.empty())
    return emitOpError("input must have rank >= 1");
  if (w.size() != 2)
    return emitOpError() << "weight must have rank 2 ([K, N]), got rank "
                         << w.size();
  if (x.back() != w[0])
    return emitOpError() << "input inner dimension " << x.back()
                         << " does not match weight rows " << w[0];
  if (getBias()) {
    auto b = rankedType(getBias()).getShape();
    if (b.size() != 1 || b[0] != w[1])
      return emitOpError() << "bias shape " << shapeString(b)
                           << " does not match [" << w[1] << "]";
  }
  SmallVector<int64_t> expected(x.drop_back());
  expected.push_back(w[1]);
  return verifyResultShape(*this, expected);
}

LogicalResult MatmulOp::verify() {
  if (failed(verifyContraction(*this)))
    return failure();
  auto a = rankedType(getLhs()).getShape();
  auto b = rankedType(getRhs()).getShape();
  if (a.size() < 2 || a.size() > 4 || a.size() != b.size())
    return emitOpError() << "operands must have the same rank, 2 to 4; got "
                         << a.size() << " and " << b.size();
  if (a.drop_back(2) != b.drop_back(2))
    return emitOpError() << "batch dimensions " << shapeString(a.drop_back(2))
                         << " and " << shapeString(b.drop_back(2))
                         << " differ";
  if (a.back() != b[b.size() - 2])
    return emitOpError() << "contraction dimensions " << a.back() << " and "
                         << b[b.size() - 2] << " differ";
  SmallVector<int64_t> expected(a.drop_back());
  expected.push_back(b.back());
  return verifyResultShape(*this, expected);
}

/// Output size of a sliding window; fails when the window does not fit.
static FailureOr<int64_t> windowOutput(Operation *op, int64_t in, int64_t k,
                                       int64_t s, int64_t p) {
  std::optional<int64_t> padded = lp::detail::paddedExtent(in, p);
  if (!padded) {
    op->emitOpError() << "input " << in << " with padding " << p
                      << " overflows 64-bit integers";
    return failure();
  }
  if (*padded < k) {
    op->emitOpError() << "window " << k << " does not fit input " << in
                      << " with padding " << p;
    return failure();
  }
  return (*padded - k) / s + 1;
}

static LogicalResult verifyWindowAttrs(Operation *op, ArrayRef<int64_t> kernel,
                                       ArrayRef<int64_t> stride,
                                       ArrayRef<int64_t> padding) {
  if (kernel.size() != 2 || stride.size() != 2 || padding.size() != 2)
    return op->emitOpError("kernel, stride and padding must have 2 entries");
  for (int i = 0; i < 2; ++i) {
    if (kernel[i] < 1 || stride[i] < 1 || padding[i] < 0)
      return op->emitOpError(
          "kernel and stride must be positive and padding non-negative");
  }
  return success();
}

LogicalResult Conv2dOp::verify() {
  if (failed(verifyContraction(*this)))
    return failure();
  auto x = rankedType(getInput()).getShape();
  auto w = rankedType(getFilter()).getShape();
  if (x.size() != 4 || w.size() != 4)
    return emitOpError("input [N, C, H, W] and filter [F, C, KH, KW] must "
                       "have rank 4");
  if (x[1] != w[1])
    return emitOpError() << "input channels " << x[1]
                         << " do not match filter channels " << w[1];
  if (getBias()) {
    auto b = rankedType(getBias()).getShape();
    if (b.size() != 1 || b[0] != w[0])
      return emitOpError() << "bias shape " << shapeString(b)
                           << " does not match [" << w[0] << "]";
  }
  if (failed(verifyWindowAttrs(*this, w.drop_front(2), getStride(),
                               getPadding())))
    return failure();
  SmallVector<int64_t> expected{x[0], w[0]};
  for (int i = 0; i < 2; ++i) {
    auto o = windowOutput(*this, x[2 + i], w[2 + i], getStride()[i],
                          getPadding()[i]);
    if (failed(o))
      return failure();
    expected.push_back(*o);
  }
  return verifyResultShape(*this, expected);
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op) {
  if (failed(verifyCommon(op)))
    return failure();
  auto x = rankedType(op.getInput()).getShape();
  if (x.size() != 4)
    return op.emitOpError("input must be NCHW (rank 4)");
  SmallVector<int64_t, 2> stride = op.getStrideOrKernel();
  if (failed(verifyWindowAttrs(op, op.getKernel(), stride, op.getPadding())))
    return failure();
  for (int i = 0; i < 2; ++i)
    if (op.getPadding()[i] > op.getKernel()[i] / 2) // no overflow at 2^62
      return op.emitOpError("padding must be at most half the kernel size");
  SmallVector<int64_t> expected{x[0], x[1]};
  for (int i = 0; i < 2; ++i) {
    auto o = windowOutput(op, x[2 + i], op.getKernel()[i], stride[i],
                          op.getPadding()[i]);
    if (failed(o))
      return failure();
    expected.push_back(*o);
  }
  return verifyResultShape(op, expected);
}

LogicalResult MaxPool2dOp::verify() { return verifyPool(*this); }
LogicalResult AvgPool2dOp::verify() { return verifyPool(*this); }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

static LogicalResult verifyBroadcastBinary(Operation *op) {
  if (failed(verifyCommon(op)))
    return failure();
  auto a = rankedType(op->getOperand(0)).getShape();
  auto b = rankedType(op->getOperand(1)).getShape();
  SmallVector<int64_t> expected;
  if (!OpTrait::util::getBroadcastedShape(a, b, expected))
    return op->emitOpError() << "operand shapes " << shapeString(a) << " and "
                             << shapeString(b) << " do not broadcast";
  return verifyResultShape(op, expected);
}

LogicalResult AddOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult SubOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult MulOp::verify() { return verifyBroadcastBinary(*this); }
LogicalResult DivOp::verify() { return verifyBroadcastBinary(*this); }

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

template <typename SoftmaxLike>
static LogicalResult verifySoftmaxLike(SoftmaxLike op) {
  if (failed(verifyStatic(op)))
    return failure();
  return normalizeAxis(op, op.getAxis(),
                       rankedType(op.getInput()).getRank(), "axis");
}

LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

LogicalResult LayerNormOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto x = rankedType(getInput()).getShape();
  auto axis = normalizeAxis(*this, getAxis(), x.size(), "axis");
  if (failed(axis))
    return failure();
  ArrayRef<int64_t> normalized = x.drop_front(*axis);
  for (Value v : {getGamma(), getBeta()})
    if (rankedType(v).getShape() != normalized)
      return emitOpError() << "gamma and beta must have the normalized shape "
                           << shapeString(normalized) << ", got "
                           << shapeString(rankedType(v).getShape());
  if (!(getEpsilon().convertToDouble() > 0.0))
    return emitOpError("epsilon must be positive");
  return verifyResultShape(*this, x);
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

template <typename ReduceOp>
static LogicalResult verifyReduce(ReduceOp op) {
  if (failed(verifyCommon(op)))
    return failure();
  auto x = rankedType(op.getInput()).getShape();
  SmallVector<bool> reduced(x.size(), false);
  if (op.getAxes().empty())
    return op.emitOpError("axes must not be empty");
  for (int64_t a : op.getAxes()) {
    auto axis = normalizeAxis(op, a, x.size(), "axis");
    if (failed(axis))
      return failure();
    if (reduced[*axis])
      return op.emitOpError() << "axis " << a << " is repeated";
    reduced[*axis] = true;
  }
  SmallVector<int64_t> expected;
  for (auto [i, d] : llvm::enumerate(x)) {
    if (!reduced[i])
      expected.push_back(d);
    else if (op.getKeepdims())
      expected.push_back(1);
  }
  return verifyResultShape(op, expected);
}

LogicalResult ReduceSumOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMeanOp::verify() { return verifyReduce(*this); }
LogicalResult ReduceMaxOp::verify() { return verifyReduce(*this); }

//===----------------------------------------------------------------------===//
// Shape
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  auto in = rankedType(getInput());
  auto out = rankedType(getResult());
  if (in.getElementType() != out.getElementType())
    return emitOpError("element type must not change");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError() << "cannot reshape " << in.getNumElements()
                         << " elements into " << out.getNumElements();
  return success();
}

LogicalResult TransposeOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  auto in = rankedType(getInput());
  if (in.getElementType() != rankedType(getResult()).getElementType())
    return emitOpError("element type must not change");
  ArrayRef<int64_t> perm = getPermutation();
  if (static_cast<int64_t>(perm.size()) != in.getRank())
    return emitOpError() << "permutation has " << perm.size()
                         << " entries for rank " << in.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError() << "permutation " << shapeString(perm)
                           << " is not a permutation of 0.." << in.getRank() - 1;
    seen[p] = true;
    expected.push_back(in.getDimSize(p));
  }
  return verifyResultShape(*this, expected);
}

LogicalResult EmbeddingOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto ids = rankedType(getIndices()).getShape();
  auto table = rankedType(getTable()).getShape();
  if (table.size() != 2)
    return emitOpError("table must have rank 2 ([V, D])");
  SmallVector<int64_t> expected(ids);
  expected.push_back(table[1]);
  return verifyResultShape(*this, expected);
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult CrossEntropyOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto logits = rankedType(getLogits()).getShape();
  auto labels = rankedType(getLabels()).getShape();
  if (logits.size() != 2)
    return emitOpError("logits must have rank 2 ([N, C])");
  if (labels.size() != 1 || labels[0] != logits[0])
    return emitOpError() << "labels shape " << shapeString(labels)
                         << " does not match [" << logits[0] << "]";
  return success();
}

LogicalResult MseLossOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  if (getPrediction().getType() != getTarget().getType())
    return emitOpError() << "prediction " << getPrediction().getType()
                         << " and target " << getTarget().getType()
                         << " must have the same type";
  return success();
}

//===----------------------------------------------------------------------===//
// Precision
//===----------------------------------------------------------------------===//

LogicalResult CastOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  auto in = rankedType(getInput());
  auto out = rankedType(getResult());
  if (in.getShape() != out.getShape())
    return emitOpError() << "shape must not change, got "
                         << shapeString(in.getShape()) << " and "
                         << shapeString(out.getShape());
  return success();
}
