//===- GPUCodegen.cpp - the lp-gpu-codegen and lp-lower-to-nvvm pipelines -===//
//
// linalg on buffers -> gpu.launch (lp-map-to-gpu) -> outlined gpu.module ->
// NVVM -> cubin (or PTX) embedded in the module; host code -> LLVM dialect
// calling LP's runtime (lp-gpu-host-calls) and MLIR's mgpu* ABI, which the
// runtime implements. lp-lower-to-nvvm runs the shared front stages first.
//
//===----------------------------------------------------------------------===//

#include "lp/Codegen/GPUPasses.h"
#include "lp/Codegen/Passes.h"
#include "lp/Pipelines/Pipelines.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// The PTX ISA version a chip needs, as an NVVM target feature: 8.0 covers
/// sm_50 to sm_90a; the Blackwell chips need 8.8.
static std::string ptxFeature(StringRef chip) {
  unsigned number = 0;
  if (chip.consume_front("sm_"))
    chip.take_while([](char c) { return llvm::isDigit(c); })
        .getAsInteger(10, number);
  return number >= 100 ? "+ptx88" : "+ptx80";
}

void lp::buildGPUCodegenPipeline(OpPassManager &pm,
                                 const GPUCodegenOptions &options) {
  pm.addPass(lp::createStripMarkers());
  if (options.matmul == GpuMatmulLowering::Cublaslt) {
    LinalgToBlasOptions blas;
    blas.cuda = true;
    pm.addPass(lp::createLinalgToBlas(blas));
  }
  if (options.matmul == GpuMatmulLowering::Mma) {
    MapProductsToMmaOptions mma;
    mma.chip = options.chip;
    pm.addPass(lp::createMapProductsToMma(mma));
  }
  pm.addPass(lp::createSplitReductions());
  MapToGpuOptions map;
  map.blockSize = options.blockSize;
  pm.addPass(lp::createMapToGpu(map));
  pm.addPass(createLowerAffinePass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(lp::createMergeGpuModules());

  // Kernels: NVVM.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features.empty() ? ptxFeature(options.chip)
                                             : std::string(options.features);
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  pm.addPass(createSCFToControlFlowPass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.useBarePtrCallConv = false;
  pm.addNestedPass<gpu::GPUModuleOp>(createConvertGpuOpsToNVVMOps(nvvm));
  pm.addNestedPass<gpu::GPUModuleOp>(LLVM::createNVVMOptimizeForTargetPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCanonicalizerPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createCSEPass());
  pm.addNestedPass<gpu::GPUModuleOp>(createReconcileUnrealizedCastsPass());

  // Host: buffers through the generic hooks, which lp-gpu-host-calls
  // sends to the runtime's device allocator.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useGenericFunctions = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(lp::createGpuHostCalls());

  GpuModuleToBinaryPassOptions binary;
  binary.toolkitPath = options.toolkit;
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(lp::createEmitEntryPoints());
}

void lp::buildLowerToNVVMPipeline(OpPassManager &pm,
                                  const LowerToNVVMOptions &options) {
  LowerToLinalgOptions front;
  // No convolution library on the GPU yet: convolutions are products.
  front.conv = ConvLowering::Im2col;
  front.outlineBlocks = options.outlineBlocks;
  front.fuseElementwise = options.fuseElementwise;
  buildLowerToLinalgPipeline(pm, front);

  BufferizeOptions bufferize;
  bufferize.inplaceResults = options.inplaceResults;
  buildBufferizePipeline(pm, bufferize);

  GPUCodegenOptions codegen;
  codegen.chip = options.chip;
  codegen.features = options.features;
  codegen.toolkit = options.toolkit;
  codegen.format = options.format;
  codegen.optLevel = options.optLevel;
  codegen.blockSize = options.blockSize;
  codegen.matmul = options.matmul;
  buildGPUCodegenPipeline(pm, codegen);
}
