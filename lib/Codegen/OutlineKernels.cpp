//===- OutlineKernels.cpp - the lp-outline-kernels pass -------------------===//
//
// A training step is one long function of a few hundred linalg ops per
// transformer block. Lowered as one function, the code generator's cost
// grows faster than the model (block splitting in the SCF -> CF conversion,
// LLVM's function-wide analyses). Outlining each op into a small private
// kernel function, and reusing one kernel for structurally identical ops
// (the same op on the same types: every block of a transformer, the
// forward pass shared by the train step and eval), makes compile time
// grow with the number of distinct kernels, and gives LLVM small loop
// nests to vectorise. Kernels are `noinline` so that LLVM keeps them.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/Passes.h"
#include "lp/Utils/Outlining.h"

#include "llvm/ADT/StringMap.h"

namespace lp {
#define GEN_PASS_DEF_OUTLINEKERNELS
#include "lp/Codegen/Passes.h.inc"
} // namespace lp

using namespace mlir;

namespace {

struct OutlineKernels : lp::impl::OutlineKernelsBase<OutlineKernels> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    // Printed kernel body -> the kernel function.
    llvm::StringMap<func::FuncOp> kernels;
    unsigned counter = 0;
    SmallVector<func::FuncOp> functions(module.getOps<func::FuncOp>());
    OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
    for (func::FuncOp fn : functions) {
      if (fn.isExternal())
        continue;
      SmallVector<linalg::LinalgOp> ops;
      fn.walk([&](linalg::LinalgOp op) {
        if (op.hasPureBufferSemantics())
          ops.push_back(op);
      });
      for (linalg::LinalgOp op : ops) {
        // Captured constants are cloned into the kernel; the rest become
        // its arguments.
        SmallVector<Value> args;
        for (Value v : lp::capturedValues(op))
          if (!lp::isConstant(v))
            args.push_back(v);
        OpBuilder b(ctx); // no insertion point: the kernel starts detached
        func::FuncOp kernel = lp::outlineIntoFunction(
            b, op.getLoc(), "kernel", op.getOperation(), args, {});
        auto [it, inserted] =
            kernels.try_emplace(lp::genericText(kernel), kernel);
        if (inserted) {
          kernel.setSymName(
              (fn.getSymName() + "_kernel" + Twine(counter++)).str());
          kernel->setAttr("passthrough",
                          ArrayAttr::get(ctx, {StringAttr::get(ctx,
                                                               "noinline")}));
          moduleBuilder.insert(kernel);
        } else {
          kernel.erase();
        }
        OpBuilder callBuilder(op);
        func::CallOp::create(callBuilder, op.getLoc(), it->second, args);
        op->erase();
      }
      // What is left is straight-line code (calls, allocations, copies):
      // LLVM's optimiser has nothing to gain there and its cost grows
      // faster than the function, so it is compiled as is.
      if (!ops.empty())
        fn->setAttr("passthrough",
                    ArrayAttr::get(ctx, {StringAttr::get(ctx, "noinline"),
                                         StringAttr::get(ctx, "optnone")}));
    }
  }
};
} // namespace
