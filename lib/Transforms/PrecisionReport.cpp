//===- PrecisionReport.cpp - the lp-precision-report pass -----------------===//
//
// What each part of a function computes in, read from its IR:
//
// - ops: every lp op but casts and the lp.gradients marker, counted under
//   the type it computes in: its first float operand's element type (a
//   bf16 product with an f32 result computes in bf16), else its first
//   result's.
// - casts: lp.cast ops by (from, to).
// - bytes per element type: parameters (arguments of role param), the
//   gradients lp.gradients hands to the optimizer, state (role state:
//   optimizer moments, counters, the loss scale), and saved activations:
//   values the forward pass defines and the backward pass (the
//   lp.loss_seed ops, every op that depends on one and every op only
//   those read) reads, the tensors a
//   step keeps from forward to backward. Gradients and saved activations
//   exist in train steps only.
//
// Per layer (`lp.layer`), ops and casts; ops without a layer are listed
// under "-".
//
//===----------------------------------------------------------------------===//

#include "lp/Transforms/PrecisionReport.h"
#include "lp/Dialect/LP/IR/LPOps.h"
#include "lp/Dialect/LP/IR/ModelAttrs.h"
#include "lp/Dialect/LP/IR/ModelFunction.h"
#include "lp/Transforms/Passes.h"

#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/Format.h"

#include <map>

namespace lp {
#define GEN_PASS_DEF_PRECISIONREPORT
#include "lp/Transforms/Passes.h.inc"
} // namespace lp

using namespace mlir;
using namespace lp;

namespace {

/// Counts per element type, printed in a fixed order of type names.
using Counts = std::map<std::string, int64_t>;

std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

void addBytes(Counts &counts, Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return;
  Type element = type.getElementType();
  counts[typeName(element)] +=
      type.getNumElements() * ((element.getIntOrFloatBitWidth() + 7) / 8);
}

/// The type an op computes in (see the file comment).
std::string computeType(Operation *op) {
  for (Value v : op->getOperands())
    if (isa<FloatType>(getElementTypeOrSelf(v)))
      return typeName(getElementTypeOrSelf(v));
  if (op->getNumResults() > 0)
    return typeName(getElementTypeOrSelf(op->getResult(0)));
  return "none";
}

std::string joined(const Counts &counts) {
  if (counts.empty())
    return "-";
  std::string s;
  for (auto &[name, n] : counts)
    s += (s.empty() ? "" : ", ") + name + " " + std::to_string(n);
  return s;
}

struct LayerRow {
  Counts ops, casts;
};

} // namespace

void lp::printPrecisionReport(func::FuncOp fn, llvm::raw_ostream &os) {
  Counts ops, casts, params, grads, state, saved;
  std::map<std::string, LayerRow> layers;
  // The backward pass: the loss seeds, every op that depends on one, and
  // every op only they read (a weight's transpose for the input gradient).
  llvm::DenseSet<Operation *> backward;
  fn.walk([&](Operation *op) {
    if (isa<LossSeedOp>(op) || llvm::any_of(op->getOperands(), [&](Value v) {
          return backward.contains(v.getDefiningOp());
        }))
      backward.insert(op);
  });
  if (!backward.empty())
    for (Operation &op : llvm::reverse(fn.getBody().front()))
      if (!op.use_empty() && llvm::all_of(op.getUsers(), [&](Operation *u) {
            return backward.contains(u) &&
                   !u->hasTrait<OpTrait::IsTerminator>();
          }))
        backward.insert(&op);
  for (unsigned i = 0; i < fn.getNumArguments(); ++i) {
    if (isParam(fn, i))
      addBytes(params, fn.getArgument(i));
    else if (isState(fn, i))
      addBytes(state, fn.getArgument(i));
  }
  fn.walk([&](Operation *op) {
    if (auto g = dyn_cast<GradientsOp>(op)) {
      for (Value v : g.getGrads())
        addBytes(grads, v);
      return;
    }
    if (op->getDialect() == nullptr ||
        op->getDialect()->getNamespace() != LPDialect::getDialectNamespace() ||
        isa<BackwardBeginOp>(op))
      return;
    std::string layer = "-";
    if (auto name = op->getAttrOfType<StringAttr>(kLayerAttr))
      layer = name.str();
    if (auto cast = dyn_cast<CastOp>(op)) {
      std::string key = typeName(getElementTypeOrSelf(cast.getInput())) + "->" +
                        typeName(getElementTypeOrSelf(cast.getResult()));
      ++casts[key];
      ++layers[layer].casts[key];
    } else {
      std::string type = computeType(op);
      ++ops[type];
      ++layers[layer].ops[type];
    }
    // A forward value that the backward pass reads is kept until then (a
    // seed reads only its loss's type; what the step returns is output).
    if (!backward.contains(op) && !op->hasTrait<OpTrait::ConstantLike>())
      for (Value r : op->getResults())
        if (llvm::any_of(r.getUsers(), [&](Operation *user) {
              return backward.contains(user) && !isa<LossSeedOp>(user) &&
                     !user->hasTrait<OpTrait::IsTerminator>();
            }))
          addBytes(saved, r);
  });
  os << "precision report: @" << fn.getSymName() << "\n";
  os << "  ops:                  " << joined(ops) << "\n";
  os << "  casts:                " << joined(casts) << "\n";
  os << "  bytes of\n";
  os << "    parameters:         " << joined(params) << "\n";
  bool train = !backward.empty();
  if (train)
    os << "    gradients:          " << joined(grads) << "\n";
  if (train || !state.empty())
    os << "    state:              " << joined(state) << "\n";
  if (train)
    os << "    saved for backward: " << joined(saved) << "\n";
  os << "  per layer (lp.layer; ops | casts):\n";
  for (auto &[name, row] : layers)
    os << "    " << llvm::left_justify(name, 16) << " " << joined(row.ops)
       << " | " << joined(row.casts) << "\n";
}

namespace {
struct PrecisionReport : lp::impl::PrecisionReportBase<PrecisionReport> {
  using PrecisionReportBase::PrecisionReportBase;
  void runOnOperation() override {
    for (auto fn : getOperation().getOps<func::FuncOp>())
      if (!fn.isExternal() && (function.empty() || fn.getSymName() == function))
        printPrecisionReport(fn, llvm::outs());
  }
};
} // namespace
