//===- MergeGpuModules.cpp - lp-merge-gpu-modules -------------------------===//
//
// gpu-kernel-outlining puts each kernel in a gpu.module of its own; a step
// has dozens. They go into one module here, so that the step is one cubin:
// one ptxas run, one module load, and one object for lp-translate.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"

#include "mlir/IR/SymbolTable.h"

namespace lp {
#define GEN_PASS_DEF_MERGEGPUMODULES
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

namespace {
struct MergeGpuModules : lp::impl::MergeGpuModulesBase<MergeGpuModules> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<gpu::GPUModuleOp> kernels(module.getOps<gpu::GPUModuleOp>());
    if (kernels.size() < 2)
      return;
    gpu::GPUModuleOp target = kernels.front();
    SymbolTable targetSymbols(target);
    // A kernel moves under its module's name (unique in the host module,
    // as outlining chose it); several symbols of one module keep theirs
    // after it; a suffix makes what would still clash unique.
    llvm::DenseMap<std::pair<StringAttr, StringAttr>, StringAttr> renamed;
    for (gpu::GPUModuleOp source : llvm::drop_begin(kernels)) {
      if (source.getTargetsAttr() != target.getTargetsAttr()) {
        source.emitOpError("has other targets than '")
            << target.getName() << "': it cannot be merged";
        return signalPassFailure();
      }
      SmallVector<Operation *> symbols;
      for (Operation &op : source.getBody()->getOperations())
        if (isa<SymbolOpInterface>(op))
          symbols.push_back(&op);
      for (Operation *op : symbols) {
        StringAttr old = SymbolTable::getSymbolName(op);
        std::string base = source.getName().str();
        if (symbols.size() > 1)
          base += "_" + old.str();
        std::string name = base;
        for (int n = 0; targetSymbols.lookup(name); ++n)
          name = base + "_" + std::to_string(n);
        // References inside the module (a kernel's globals) follow.
        StringAttr newName = StringAttr::get(module.getContext(), name);
        if (failed(SymbolTable::replaceAllSymbolUses(op, newName, source)))
          return signalPassFailure();
        SymbolTable::setSymbolName(op, newName);
        op->remove();
        renamed[{source.getNameAttr(), old}] = targetSymbols.insert(op);
      }
    }
    module.walk([&](gpu::LaunchFuncOp launch) {
      auto it =
          renamed.find({launch.getKernelModuleName(), launch.getKernelName()});
      if (it != renamed.end())
        launch.setKernelAttr(SymbolRefAttr::get(
            target.getNameAttr(), {FlatSymbolRefAttr::get(it->second)}));
    });
    for (gpu::GPUModuleOp source : llvm::drop_begin(kernels))
      source.erase();
  }
};
} // namespace
