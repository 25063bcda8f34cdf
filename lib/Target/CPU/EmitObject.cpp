//===- EmitObject.cpp - a lowered step as an object file ------------------===//

#include "lp/Target/CPU/EmitObject.h"
#include "lp/Target/CPU/OptimizeLLVM.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "mlir/Tools/mlir-translate/Translation.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

using namespace mlir;

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
lp::createTargetMachine(llvm::StringRef cpu, bool positionIndependent) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  // "native" is what the JIT compiles for: the host CPU and its features.
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  if (cpu != "native") {
    builder->setCPU(cpu.str());
    builder->getFeatures() = llvm::SubtargetFeatures();
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  if (positionIndependent)
    builder->setRelocationModel(llvm::Reloc::PIC_);
  auto machine = builder->createTargetMachine();
  if (machine && !(*machine)->getMCSubtargetInfo()->isCPUStringValid(
                     (*machine)->getTargetCPU()))
    return llvm::createStringError("unknown CPU '" + cpu.str() + "' for " +
                                   builder->getTargetTriple().str());
  return machine;
}

llvm::Error lp::emitObject(ModuleOp module, llvm::StringRef cpu,
                           llvm::raw_pwrite_stream &os) {
  auto machine = createTargetMachine(cpu, /*positionIndependent=*/true);
  if (!machine)
    return machine.takeError();
  llvm::LLVMContext context;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context);
  if (!llvmModule)
    return llvm::createStringError("cannot translate the module to LLVM IR "
                                   "(is it lowered by lp-lower-to-llvm?)");
  llvmModule->setDataLayout((*machine)->createDataLayout());
  llvmModule->setTargetTriple((*machine)->getTargetTriple());
  if (llvm::Error e = optimizeLLVMModule(*llvmModule, **machine))
    return e;
  llvm::legacy::PassManager codegen;
  if ((*machine)->addPassesToEmitFile(codegen, os, nullptr,
                                      llvm::CodeGenFileType::ObjectFile))
    return llvm::createStringError("the target cannot emit object files");
  codegen.run(*llvmModule);
  return llvm::Error::success();
}

void lp::registerToObjectTranslation() {
  static llvm::cl::opt<std::string> targetCpu(
      "target-cpu",
      llvm::cl::desc("CPU of lp-to-object's code: an LLVM CPU name, or "
                     "'native' for this machine's (default x86-64-v3)"),
      llvm::cl::init(kDefaultTargetCpu.str()));
  TranslateFromMLIRRegistration registration(
      "lp-to-object",
      "Emit a lowered step (lp-lower-to-llvm) as a position-independent "
      "object file, optimised as the JIT does",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("lp-to-object expects a module");
        llvm::SmallString<0> buffer;
        llvm::raw_svector_ostream object(buffer);
        if (llvm::Error e = emitObject(module, targetCpu, object))
          return op->emitError("lp-to-object: ") << toString(std::move(e));
        os << buffer;
        return success();
      },
      [](DialectRegistry &registry) {
        // A GPU step's host code holds gpu.launch_func and gpu.binary
        // (lp-gpu-codegen): the kernels are embedded in the object.
        registry.insert<LLVM::LLVMDialect, omp::OpenMPDialect, gpu::GPUDialect,
                        NVVM::NVVMDialect>();
        registerGPUDialectTranslation(registry);
        gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
        registerNVVMDialectTranslation(registry);
        registerBuiltinDialectTranslation(registry);
        registerLLVMDialectTranslation(registry);
        registerOpenMPDialectTranslation(registry);
      });
}
