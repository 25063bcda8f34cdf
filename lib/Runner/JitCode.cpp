//===- JitCode.cpp - a lowered module compiled by the JIT -----------------===//

#include "lp/Runner/JitCode.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Target/CPU/EmitObject.h"
#include "lp/Target/CPU/OptimizeLLVM.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "llvm/Target/TargetMachine.h"

#include <cstdlib>

using namespace lp;

JitCode::JitCode(std::unique_ptr<mlir::ExecutionEngine> engine)
    : engine(std::move(engine)) {}

// Kernel images embedded in the JIT's code go with it.
JitCode::~JitCode() { rt::cuda::forgetModules(); }

void *JitCode::lookup(const std::string &symbol) {
  auto address = engine->lookup(symbol);
  if (!address) {
    llvm::consumeError(address.takeError());
    return nullptr;
  }
  return *address;
}

llvm::Expected<std::unique_ptr<JitCode>>
JitCode::create(mlir::ModuleOp module) {
  // Optimise for the host CPU (its vector width and FMA), as the JIT's code
  // generator does: without a target machine LLVM's cost models assume no
  // vector unit and nothing gets vectorised.
  auto hostMachine =
      createTargetMachine("native", /*positionIndependent=*/false);
  if (!hostMachine)
    return hostMachine.takeError();
  std::shared_ptr<llvm::TargetMachine> machine = std::move(*hostMachine);
  mlir::ExecutionEngineOptions options;
  // The debugger and profiler listeners write a file per run under /tmp;
  // LP_PERF_JIT=1 turns the perf one on (perf inject --jit names kernels).
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener =
      std::getenv("LP_PERF_JIT") != nullptr;
  // ExecutionEngineOptions holds a function_ref: keep the callable alive.
  std::function<llvm::Error(llvm::Module *)> optimize =
      [machine](llvm::Module *m) { return optimizeLLVMModule(*m, *machine); };
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // Vectorised math calls go to glibc's libmvec; parallel kernels
  // (lp-parallelize-kernels) call LLVM's OpenMP runtime. memrefCopy and
  // cblas_sgemm are the runtime's (registered below).
  llvm::SmallVector<llvm::StringRef, 2> libs{LP_LIBMVEC_LIBRARY,
                                             LP_OMP_LIBRARY};
  options.sharedLibPaths = libs;
  // OpenMP workers that finished a parallel kernel spin for KMP_BLOCKTIME
  // (200 ms by default) before sleeping, on the cores OpenBLAS's threads
  // need for the next product: the 4096-wide MLP's step went from 236 to
  // 306 ms. 5 ms keeps them ready between the kernels of a step (unless the
  // environment sets it; libomp reads it when the JIT loads it below).
  setenv("KMP_BLOCKTIME", "5", /*overwrite=*/0);
  std::string error = rt::prepareHostSymbols();
  if (!error.empty())
    return llvm::createStringError("the runtime cannot run steps: " + error);
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  (*engine)->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    for (const rt::HostSymbol &s : rt::hostSymbols())
      symbols[interner(s.name)] = {llvm::orc::ExecutorAddr::fromPtr(s.address),
                                   llvm::JITSymbolFlags::Exported};
    return symbols;
  });
  return std::unique_ptr<JitCode>(new JitCode(std::move(*engine)));
}
