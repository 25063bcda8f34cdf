//===- OptimizeLLVM.cpp - LLVM -O3 for a lowered step ---------------------===//

#include "lp/Target/CPU/OptimizeLLVM.h"

#include "llvm/Analysis/TargetLibraryInfo.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/SystemLibraries.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Target/TargetMachine.h"

llvm::Error lp::optimizeLLVMModule(llvm::Module &module,
                                   llvm::TargetMachine &machine) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  llvm::PassBuilder builder(&machine, tuning);
  llvm::TargetLibraryInfoImpl libraryInfo(machine.getTargetTriple(),
                                          llvm::VectorLibrary::LIBMVEC);
  fam.registerPass([&] { return llvm::TargetLibraryAnalysis(libraryInfo); });
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  // -O3 without its module simplification part (inliner and IPO): kernels
  // are noinline and the host code optnone, so it has nothing to do, and
  // its CalledValuePropagation grows faster than linearly with the number
  // of calls in the step (10 s of a 12 s JIT at 48 transformer blocks).
  // Each function still gets the -O3 function simplification, then the
  // module optimisation pipeline (loop and SLP vectorisation, unrolling).
  llvm::OptimizationLevel level = llvm::OptimizationLevel::O3;
  llvm::ModulePassManager passes;
  passes.addPass(llvm::createModuleToFunctionPassAdaptor(
      builder.buildFunctionSimplificationPipeline(
          level, llvm::ThinOrFullLTOPhase::None)));
  passes.addPass(builder.buildModuleOptimizationPipeline(
      level, llvm::ThinOrFullLTOPhase::None));
  passes.run(module, mam);
  return llvm::Error::success();
}
