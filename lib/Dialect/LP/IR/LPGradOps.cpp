//===- LPGradOps.cpp - verifiers of gradient and optimizer ops ------------===//

#include "VerifyUtils.h"

#include "lp/Dialect/LP/IR/LPOps.h"
#include "llvm/ADT/StringSet.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

static LogicalResult expectShape(Operation *op, Value v, StringRef what,
                                 ArrayRef<int64_t> shape) {
  if (rankedType(v).getShape() == shape)
    return success();
  return op->emitOpError() << what << " must have shape " << shapeString(shape)
                           << ", got " << v.getType();
}

LogicalResult BroadcastOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto in = rankedType(getInput()).getShape();
  auto out = rankedType(getResult()).getShape();
  SmallVector<int64_t> b;
  if (!OpTrait::util::getBroadcastedShape(in, out, b) ||
      ArrayRef<int64_t>(b) != out)
    return emitOpError() << "cannot broadcast " << getInput().getType()
                         << " to " << getResult().getType();
  return success();
}

static LogicalResult verifyConvGrad(Operation *op, ArrayRef<int64_t> x,
                                    ArrayRef<int64_t> w, ArrayRef<int64_t> dy,
                                    ArrayRef<int64_t> stride,
                                    ArrayRef<int64_t> padding) {
  if (x.size() != 4 || w.size() != 4 || dy.size() != 4)
    return op->emitOpError("input, filter and gradient must have rank 4");
  if (stride.size() != 2 || padding.size() != 2 || stride[0] < 1 ||
      stride[1] < 1 || padding[0] < 0 || padding[1] < 0)
    return op->emitOpError("stride must be 2 positive and padding 2 "
                           "non-negative values");
  if (x[1] != w[1] || dy[0] != x[0] || dy[1] != w[0])
    return op->emitOpError("input, filter and gradient shapes disagree");
  for (int i = 0; i < 2; ++i) {
    std::optional<int64_t> padded = paddedExtent(x[2 + i], padding[i]);
    if (!padded)
      return op->emitOpError() << "input " << x[2 + i] << " with padding "
                               << padding[i] << " overflows 64-bit integers";
    if (*padded < w[2 + i] || (*padded - w[2 + i]) / stride[i] + 1 != dy[2 + i])
      return op->emitOpError("gradient spatial size does not match the "
                             "convolution's output");
  }
  return success();
}

LogicalResult Conv2dGradInputOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  return verifyConvGrad(*this, rankedType(getResult()).getShape(),
                        rankedType(getFilter()).getShape(),
                        rankedType(getGrad()).getShape(), getStride(),
                        getPadding());
}

LogicalResult Conv2dGradFilterOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  return verifyConvGrad(*this, rankedType(getInput()).getShape(),
                        rankedType(getResult()).getShape(),
                        rankedType(getGrad()).getShape(), getStride(),
                        getPadding());
}

template <typename PoolGrad>
static LogicalResult verifyPoolGrad(PoolGrad op, ArrayRef<int64_t> x) {
  if (failed(verifyCommon(op)))
    return failure();
  auto dy = rankedType(op.getGrad()).getShape();
  SmallVector<int64_t, 2> stride = op.getStrideOrKernel();
  if (x.size() != 4 || dy.size() != 4 || op.getKernel().size() != 2 ||
      stride.size() != 2 || op.getPadding().size() != 2)
    return op.emitOpError("expects NCHW tensors and 2-d window attributes");
  if (x[0] != dy[0] || x[1] != dy[1])
    return op.emitOpError("input and gradient batch/channels differ");
  for (int i = 0; i < 2; ++i) {
    int64_t k = op.getKernel()[i], s = stride[i], p = op.getPadding()[i];
    if (2 * p > k)
      return op.emitOpError("padding must be at most half the kernel size");
    std::optional<int64_t> padded = paddedExtent(x[2 + i], p);
    if (k < 1 || s < 1 || p < 0 || !padded || *padded < k ||
        (*padded - k) / s + 1 != dy[2 + i])
      return op.emitOpError("gradient spatial size does not match the "
                            "pooling's output");
  }
  return success();
}

LogicalResult MaxPool2dGradOp::verify() {
  if (getInput().getType() != getResult().getType())
    return emitOpError("result must have the input's type");
  return verifyPoolGrad(*this, rankedType(getInput()).getShape());
}

LogicalResult AvgPool2dGradOp::verify() {
  return verifyPoolGrad(*this, rankedType(getResult()).getShape());
}

LogicalResult EmbeddingGradOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto table = rankedType(getResult()).getShape();
  if (table.size() != 2)
    return emitOpError("result (the table gradient) must have rank 2");
  SmallVector<int64_t> expected(rankedType(getIndices()).getShape());
  expected.push_back(table[1]);
  return expectShape(*this, getGrad(), "gradient", expected);
}

LogicalResult CrossEntropyGradOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  auto logits = rankedType(getLogits()).getShape();
  if (logits.size() != 2)
    return emitOpError("logits must have rank 2");
  if (getLogits().getType() != getResult().getType())
    return emitOpError("result must have the logits' type");
  return expectShape(*this, getLabels(), "labels", {logits[0]});
}

LogicalResult ReduceMaxGradOp::verify() {
  if (failed(verifyCommon(*this)))
    return failure();
  if (getInput().getType() != getResult().getType())
    return emitOpError("result must have the input's type");
  auto x = rankedType(getInput()).getShape();
  SmallVector<bool> reduced(x.size(), false);
  if (getAxes().empty())
    return emitOpError("axes must not be empty");
  for (int64_t a : getAxes()) {
    if (a < -int64_t(x.size()) || a >= int64_t(x.size()))
      return emitOpError() << "axis " << a << " is out of range";
    if (reduced[a < 0 ? a + x.size() : a])
      return emitOpError() << "axis " << a << " is repeated";
    reduced[a < 0 ? a + x.size() : a] = true;
  }
  SmallVector<int64_t> kept, keep1;
  for (auto [i, d] : llvm::enumerate(x)) {
    keep1.push_back(reduced[i] ? 1 : d);
    if (!reduced[i])
      kept.push_back(d);
  }
  auto dy = rankedType(getGrad()).getShape();
  if (dy != ArrayRef<int64_t>(kept) && dy != ArrayRef<int64_t>(keep1))
    return emitOpError("gradient must have the reduce_max result's shape");
  return success();
}

LogicalResult SgdUpdateOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  Type t = getParam().getType();
  if (getGrad().getType() != t || getNewParam().getType() != t)
    return emitOpError("param, grad and new param must have one type");
  bool hasBuffer = static_cast<bool>(getMomentumBuffer());
  if (hasBuffer != static_cast<bool>(getNewMomentumBuffer()))
    return emitOpError("momentum buffer operand and result go together");
  if (hasBuffer != (getMomentum().convertToDouble() != 0.0))
    return emitOpError("a momentum buffer is present exactly when momentum "
                       "is non-zero");
  if (hasBuffer && (getMomentumBuffer().getType() != t ||
                    getNewMomentumBuffer().getType() != t))
    return emitOpError("momentum buffer must have the param's type");
  double dampening = getDampening().convertToDouble();
  if (!(dampening >= 0.0 && dampening <= 1.0))
    return emitOpError() << "dampening must be in [0, 1], got " << dampening;
  if (getNesterov() && (!hasBuffer || dampening != 0.0))
    return emitOpError("nesterov needs momentum and zero dampening");
  if (static_cast<bool>(getCount()) != (hasBuffer && dampening != 0.0))
    return emitOpError("a count is present exactly when momentum and "
                       "dampening are non-zero");
  return success();
}

LogicalResult AdamUpdateOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  Type t = getParam().getType();
  for (Value v : {getGrad(), getM(), getV(), getNewParam(), getNewM(),
                  getNewV(), getVMax(), getNewVMax()})
    if (v && v.getType() != t)
      return emitOpError("param, grad, moments and results must have one "
                         "type");
  if (static_cast<bool>(getVMax()) != static_cast<bool>(getNewVMax()))
    return emitOpError("max_v operand and result go together");
  double b1 = getBeta1().convertToDouble(), b2 = getBeta2().convertToDouble();
  if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1))
    return emitOpError("betas must be in [0, 1)");
  if (!(getEps().convertToDouble() >= 0))
    return emitOpError("eps must be non-negative");
  return success();
}

LogicalResult LossSeedOp::verify() { return verifyStatic(*this); }

LogicalResult GradientsOp::verify() {
  if (failed(verifyStatic(*this)))
    return failure();
  if (getGrads().size() != getResults().size() ||
      getGrads().size() != getParams().size())
    return emitOpError() << "needs one parameter name and one result per "
                            "gradient, got "
                         << getGrads().size() << " gradients, "
                         << getParams().size() << " names and "
                         << getResults().size() << " results";
  llvm::StringSet<> seen;
  for (auto [i, g, r, name] :
       llvm::enumerate(getGrads(), getResults(), getParams())) {
    if (g.getType() != r.getType())
      return emitOpError() << "result #" << i << " must have the type of "
                           << "gradient #" << i << ", " << g.getType();
    StringRef n = cast<StringAttr>(name).getValue();
    if (n.empty() || !seen.insert(n).second)
      return emitOpError() << "parameter name #" << i
                           << " is empty or repeated: '" << n << "'";
  }
  if (getPhaseAttr().getInt() < 0)
    return emitOpError("phase must be non-negative");
  return success();
}

LogicalResult AllFiniteOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one operand");
  return verifyStatic(*this);
}
