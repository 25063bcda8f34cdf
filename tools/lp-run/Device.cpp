//===- Device.cpp - lp-run --device ---------------------------------------===//

#include "Device.h"
#include "lp/Runtime/Cuda.h"

using namespace llvm;

cl::OptionCategory &lp::deviceCategory() {
  static cl::OptionCategory category("Device");
  return category;
}

static cl::opt<std::string>
    device("device",
           cl::desc("Where the step runs: cpu (default) or cuda (the step "
                    "compiled by lp-lower-to-nvvm for the GPU at hand, "
                    "parameters and optimizer state kept on it; needs the "
                    "CUDA driver, a GPU and the toolkit's ptxas; "
                    "docs/Gpu.md)"),
           cl::init("cpu"), cl::cat(lp::deviceCategory()));

static cl::opt<bool> gpuLaunchesOnCpu(
    "gpu-launches-on-cpu",
    cl::desc("Compile the step as the GPU back end maps it (every loop nest "
             "a launch, lp-map-to-gpu; convolutions as im2col products) and "
             "run each launch's threads as loops on the CPU: checks the GPU "
             "mapping without a GPU"),
    cl::init(false), cl::cat(lp::deviceCategory()));

static cl::opt<bool> allowTf32(
    "allow-tf32",
    cl::desc("Let f32 products through cuBLASLt use TF32 tensor cores "
             "(inputs rounded to 10 mantissa bits); without it they compute "
             "in f32. With --device=cuda only"),
    cl::init(false), cl::cat(lp::deviceCategory()));

static cl::opt<lp::GpuMatmulLowering> gpuMatmul(
    "gpu-matmul",
    cl::desc("How products run with --device=cuda (lp-lower-to-nvvm's "
             "`matmul`)"),
    cl::init(lp::GpuMatmulLowering::Generated),
    cl::values(clEnumValN(lp::GpuMatmulLowering::Generated, "generated",
                          "generated loops (default)"),
               clEnumValN(lp::GpuMatmulLowering::Cublaslt, "cublaslt",
                          "cuBLASLt, loaded at run time"),
               clEnumValN(lp::GpuMatmulLowering::Mma, "mma",
                          "generated tensor-core mma.sync (bf16/f16)")),
    cl::cat(lp::deviceCategory()));

std::string lp::checkDevice(CompileOptions &options) {
  LowerToLLVMOptions &lowering = options.lowering;
  if (gpuLaunchesOnCpu && device != "cpu")
    return "--gpu-launches-on-cpu runs on the CPU: it cannot be combined "
           "with --device=" +
           device;
  if (gpuLaunchesOnCpu) {
    lowering.gpuLaunches = true;
    lowering.conv = ConvLowering::Im2col;
  }
  if (device != "cpu" && device != "cuda")
    return "--device must be cpu or cuda, got '" + device + "'";
  if (device == "cpu" && (allowTf32 || gpuMatmul.getNumOccurrences()))
    return std::string(allowTf32 ? "--allow-tf32" : "--gpu-matmul") +
           " is for the GPU: it needs --device=cuda";
  if (device == "cpu")
    return "";
  if (std::string e = rt::cuda::initialize(); !e.empty())
    return "--device=cuda: " + e;
  // Kernels for the GPU at hand.
  options.cuda = true;
  options.gpuLowering.chip = rt::cuda::chipName();
  options.gpuLowering.matmul = gpuMatmul;
  rt::cuda::setAllowTf32(allowTf32);
  return "";
}
