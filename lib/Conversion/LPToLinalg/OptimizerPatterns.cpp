//===- OptimizerPatterns.cpp - optimizer update ops to linalg -------------===//
//
// One elementwise linalg.generic per update, with one result per updated
// tensor. Scalars that depend only on the step (Adam's bias corrections,
// from the learning rate operand and the update count) are computed once,
// outside the loop, in f64 (as PyTorch does in Python) and rounded to the
// compute type. With a skip predicate every result selects its input: a
// skipped update changes no bit.
//
//===----------------------------------------------------------------------===//

#include "Builders.h"
#include "lp/Conversion/LPToLinalg/LPToLinalg.h"
#include "lp/Dialect/LP/IR/LPOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace lp;
using namespace lp::detail;

namespace {

/// An elementwise generic over same-shaped `inputs` producing one tensor
/// per type in `resultTypes`; `body` gets the inputs in the compute type
/// and returns one compute-typed value per result. Result 0 is the new
/// parameter (input 0) and result i > 0 the new state input i + 1 (inputs
/// are param, grad, state...): each result's init is that input, so that
/// bufferization updates parameters and optimizer state in place. `skip`
/// (a tensor<i1> or null) makes every result its input when true.
SmallVector<Value> buildUpdate(
    OpBuilder &b, Location loc, TypeRange resultTypes, ValueRange inputs,
    Value skip,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ValueRange)> body) {
  Value skipScalar =
      skip ? tensor::ExtractOp::create(b, loc, skip, ValueRange{}).getResult()
           : Value();
  auto type = cast<RankedTensorType>(resultTypes[0]);
  int64_t rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  // tiedTo[k]: the result whose init input k is, or -1 for a plain input.
  // A tied input is read through the result's block argument
  // (read-modify-write), which keeps the init operand alive through
  // canonicalization.
  SmallVector<int64_t> tiedTo(inputs.size(), -1);
  SmallVector<Value> ins, inits;
  for (auto [i, t] : llvm::enumerate(resultTypes)) {
    size_t tied = i == 0 ? 0 : i + 1;
    if (tied < inputs.size() && inputs[tied].getType() == t) {
      tiedTo[tied] = i;
      inits.push_back(inputs[tied]);
      continue;
    }
    auto rt = cast<RankedTensorType>(t);
    inits.push_back(emptyTensor(b, loc, rt.getShape(), rt.getElementType()));
  }
  SmallVector<int64_t> insIndex(inputs.size(), -1);
  for (auto [k, v] : llvm::enumerate(inputs))
    if (tiedTo[k] < 0) {
      insIndex[k] = ins.size();
      ins.push_back(v);
    }
  SmallVector<AffineMap> maps(ins.size() + inits.size(), id);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, resultTypes, ins, inits, maps, iters,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        SmallVector<Value> raw, in;
        for (size_t k = 0; k < inputs.size(); ++k) {
          raw.push_back(tiedTo[k] >= 0 ? args[ins.size() + tiedTo[k]]
                                       : args[insIndex[k]]);
          in.push_back(toCompute(nb, l, raw.back()));
        }
        SmallVector<Value> out = body(nb, l, in);
        for (auto [i, t] : llvm::enumerate(resultTypes)) {
          out[i] = toType(nb, l, out[i],
                          cast<RankedTensorType>(t).getElementType());
          if (skipScalar)
            out[i] = arith::SelectOp::create(nb, l, skipScalar,
                                             raw[i == 0 ? 0 : i + 1], out[i]);
        }
        linalg::YieldOp::create(nb, l, out);
      });
  return generic.getResults();
}

struct SgdUpdateLowering : OpRewritePattern<SgdUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SgdUpdateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double momentum = op.getMomentum().convertToDouble();
    double dampening = op.getDampening().convertToDouble();
    bool nesterov = op.getNesterov();
    double wd = op.getWeightDecay().convertToDouble();
    Type elem =
        cast<RankedTensorType>(op.getParam().getType()).getElementType();
    Type compute = computeType(elem);
    Value lr = toType(
        rewriter, loc,
        tensor::ExtractOp::create(rewriter, loc, op.getLr(), ValueRange{}),
        compute);
    // With dampening, the first applied update copies g into the buffer.
    Value first;
    if (Value count = op.getCount()) {
      Value t = tensor::ExtractOp::create(rewriter, loc, count, ValueRange{});
      Value one = arith::ConstantOp::create(rewriter, loc,
                                            rewriter.getI64IntegerAttr(1));
      first = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::eq, t,
                                    one);
    }
    SmallVector<Value> inputs{op.getParam(), op.getGrad()};
    if (op.getMomentumBuffer())
      inputs.push_back(op.getMomentumBuffer());
    SmallVector<Value> results = buildUpdate(
        rewriter, loc, op->getResultTypes(), inputs, op.getSkip(),
        [&](OpBuilder &b, Location l, ValueRange a) {
          auto c = [&](double v) { return cst(b, l, a[0], v); };
          auto mul = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(b, l, x, y);
          };
          auto add = [&](Value x, Value y) -> Value {
            return arith::AddFOp::create(b, l, x, y);
          };
          Value p = a[0], g = a[1];
          if (wd != 0.0)
            g = add(g, mul(c(wd), p));
          Value step = g, buf;
          if (a.size() == 3) {
            // buf = momentum * buf + (1 - dampening) * g; the buffer starts
            // at zero, so without dampening the first update is g.
            Value scaled = dampening != 0.0 ? mul(c(1.0 - dampening), g) : g;
            buf = add(mul(c(momentum), a[2]), scaled);
            if (first)
              buf = arith::SelectOp::create(b, l, first, g, buf);
            // A buffer stored narrower than the compute type (parameters
            // kept in f16/bf16, no master weights) is read back as stored,
            // as PyTorch's in-place updates do.
            if (elem != compute)
              buf = toCompute(b, l, toType(b, l, buf, elem));
            step = nesterov ? add(g, mul(c(momentum), buf)) : buf;
          }
          SmallVector<Value> out{arith::SubFOp::create(b, l, p, mul(lr, step))};
          if (buf)
            out.push_back(buf);
          return out;
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct AdamUpdateLowering : OpRewritePattern<AdamUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AdamUpdateOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    double b1 = op.getBeta1().convertToDouble();
    double b2 = op.getBeta2().convertToDouble();
    double eps = op.getEps().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();
    Type compute = computeType(
        cast<RankedTensorType>(op.getParam().getType()).getElementType());

    // step_size = lr / (1 - b1^t); bc2_sqrt = sqrt(1 - b2^t); AdamW's
    // decay factor 1 - lr * wd: in f64.
    OpBuilder &b = rewriter;
    Value t = tensor::ExtractOp::create(b, loc, op.getCount(), ValueRange{});
    Value tf = arith::SIToFPOp::create(b, loc, b.getF64Type(), t);
    auto f64 = [&](double v) { return floatConst(b, loc, b.getF64Type(), v); };
    Value lr = toType(
        b, loc, tensor::ExtractOp::create(b, loc, op.getLr(), ValueRange{}),
        b.getF64Type());
    Value one = f64(1.0);
    Value decay =
        toType(b, loc,
               arith::SubFOp::create(
                   b, loc, one, arith::MulFOp::create(b, loc, lr, f64(wd))),
               compute);
    Value bc1 = arith::SubFOp::create(
        b, loc, one, math::PowFOp::create(b, loc, f64(b1), tf));
    Value bc2 = arith::SubFOp::create(
        b, loc, one, math::PowFOp::create(b, loc, f64(b2), tf));
    Value stepSize =
        toType(b, loc, arith::DivFOp::create(b, loc, lr, bc1), compute);
    Value bc2Sqrt = toType(b, loc, math::SqrtOp::create(b, loc, bc2), compute);

    SmallVector<Value> inputs{op.getParam(), op.getGrad(), op.getM(),
                              op.getV()};
    if (op.getVMax())
      inputs.push_back(op.getVMax());
    SmallVector<Value> results = buildUpdate(
        rewriter, loc, op->getResultTypes(), inputs, op.getSkip(),
        [&](OpBuilder &nb, Location l, ValueRange a) {
          auto c = [&](double v) { return cst(nb, l, a[0], v); };
          auto mul = [&](Value x, Value y) -> Value {
            return arith::MulFOp::create(nb, l, x, y);
          };
          auto add = [&](Value x, Value y) -> Value {
            return arith::AddFOp::create(nb, l, x, y);
          };
          auto sub = [&](Value x, Value y) -> Value {
            return arith::SubFOp::create(nb, l, x, y);
          };
          Value p = a[0], g = a[1], m = a[2], v = a[3];
          if (wd != 0.0 && decoupled)
            p = mul(p, decay);
          if (wd != 0.0 && !decoupled)
            g = add(g, mul(c(wd), p));
          // m.lerp_(g, 1 - b1); v = b2 v + (1 - b2) g^2
          Value m2 = add(m, mul(c(1.0 - b1), sub(g, m)));
          Value v2 = add(mul(v, c(b2)), mul(mul(g, g), c(1.0 - b2)));
          // AMSGrad: the running maximum of v (torch.maximum: NaN wins).
          Value vMax = a.size() == 5
                           ? Value(arith::MaximumFOp::create(nb, l, a[4], v2))
                           : Value();
          Value denom =
              add(arith::DivFOp::create(
                      nb, l, math::SqrtOp::create(nb, l, vMax ? vMax : v2),
                      bc2Sqrt),
                  c(eps));
          Value p2 = sub(p, mul(stepSize, arith::DivFOp::create(nb, l, m2,
                                                                denom)));
          SmallVector<Value> out{p2, m2, v2};
          if (vMax)
            out.push_back(vMax);
          return out;
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

} // namespace

void lp::populateLPOptimizerToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SgdUpdateLowering, AdamUpdateLowering>(patterns.getContext());
}
