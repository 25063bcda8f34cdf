//===- InitAll.cpp - registration shared by every LP tool -----------------===//

#include "lp/InitAll.h"

#include "lp/Codegen/GPUPasses.h"
#include "lp/Codegen/Passes.h"
#include "lp/Conversion/Passes.h"
#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Pipelines/Pipelines.h"
#include "lp/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void lp::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<lp::LPDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  // gpu-module-to-binary translates the kernels to LLVM IR (NVVM, GPU).
  mlir::registerAllToLLVMIRTranslations(registry);
}

void lp::registerAllPasses() {
  mlir::registerAllPasses();
  lp::registerLPCodegenPasses();
  lp::registerLPGPUCodegenPasses();
  lp::registerLPConversionPasses();
  lp::registerLPTransformsPasses();
  lp::registerPipelines();
}
