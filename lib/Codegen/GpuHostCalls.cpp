//===- GpuHostCalls.cpp - lp-gpu-host-calls -------------------------------===//
//
// The host code of a GPU step, lowered to the LLVM dialect, calls LP's
// runtime for what upstream's lowering does per buffer and per launch:
// device allocations in stream order, and the step's one stream instead of
// a stream created, synchronized and destroyed around every launch.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"

#include "llvm/ADT/StringSet.h"

namespace lp {
#define GEN_PASS_DEF_GPUHOSTCALLS
#include "lp/Codegen/GPUPasses.h.inc"
} // namespace lp

using namespace mlir;

/// The declaration of `name` with `type`, created if missing.
static LLVM::LLVMFuncOp declare(ModuleOp module, StringRef name,
                                LLVM::LLVMFunctionType type) {
  if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
    return fn;
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToStart(module.getBody());
  return LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
}

namespace {
struct GpuHostCalls : lp::impl::GpuHostCallsBase<GpuHostCalls> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    const llvm::StringMap<StringRef> renamed = {
        {"_mlir_memref_to_llvm_alloc", "lp_cuda_alloc"},
        {"_mlir_memref_to_llvm_aligned_alloc", "lp_cuda_aligned_alloc"},
        {"_mlir_memref_to_llvm_free", "lp_cuda_free"}};
    SmallVector<LLVM::CallOp> calls;
    module.walk([&](LLVM::CallOp call) { calls.push_back(call); });
    llvm::StringSet<> replaced;
    for (LLVM::CallOp call : calls) {
      std::optional<StringRef> callee = call.getCallee();
      auto it = callee ? renamed.find(*callee) : renamed.end();
      if (it == renamed.end())
        continue;
      auto old = module.lookupSymbol<LLVM::LLVMFuncOp>(*callee);
      if (!old) {
        call.emitOpError("calls an undeclared function");
        return signalPassFailure();
      }
      declare(module, it->second, old.getFunctionType());
      replaced.insert(*callee);
      call.setCallee(it->second);
    }
    IRRewriter rewriter(ctx);
    for (const auto &name : replaced)
      if (auto fn = module.lookupSymbol<LLVM::LLVMFuncOp>(name.getKey()))
        if (SymbolTable::symbolKnownUseEmpty(fn, module))
          rewriter.eraseOp(fn);

    // Synchronous launches get the step's stream as their async object:
    // the translation to LLVM IR then neither creates nor synchronizes a
    // stream around them.
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    LLVM::LLVMFuncOp stepStream = declare(module, "lp_cuda_step_stream",
                                          LLVM::LLVMFunctionType::get(ptr, {}));
    SmallVector<gpu::LaunchFuncOp> launches;
    module.walk([&](gpu::LaunchFuncOp launch) {
      if (!launch.getAsyncObject() && launch.getAsyncDependencies().empty())
        launches.push_back(launch);
    });
    for (gpu::LaunchFuncOp launch : launches) {
      rewriter.setInsertionPoint(launch);
      auto stream = LLVM::CallOp::create(rewriter, launch.getLoc(), stepStream,
                                         ValueRange());
      launch.getAsyncObjectMutable().assign(stream.getResult());
    }
    if (launches.empty() &&
        SymbolTable::symbolKnownUseEmpty(stepStream, module))
      rewriter.eraseOp(stepStream);
  }
};
} // namespace
