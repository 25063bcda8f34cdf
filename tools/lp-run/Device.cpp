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
           cl::desc("Where the step runs: cpu (default) or cuda (the CUDA "
                    "driver and a GPU; docs/Gpu.md)"),
           cl::init("cpu"), cl::cat(lp::deviceCategory()));

static cl::opt<bool> gpuLaunchesOnCpu(
    "gpu-launches-on-cpu",
    cl::desc("Compile the step as the GPU back end maps it (every loop nest "
             "a launch, lp-map-to-gpu; convolutions as im2col products) and "
             "run each launch's threads as loops on the CPU: checks the GPU "
             "mapping without a GPU"),
    cl::init(false), cl::cat(lp::deviceCategory()));

std::string lp::checkDevice(LowerToLLVMOptions &lowering) {
  if (gpuLaunchesOnCpu && device != "cpu")
    return "--gpu-launches-on-cpu runs on the CPU: it cannot be combined "
           "with --device=" +
           device;
  if (gpuLaunchesOnCpu) {
    lowering.gpuLaunches = true;
    lowering.conv = ConvLowering::Im2col;
  }
  if (device == "cpu")
    return "";
  if (device != "cuda")
    return "--device must be cpu or cuda, got '" + device + "'";
  if (std::string e = rt::cuda::initialize(); !e.empty())
    return "--device=cuda: " + e;
  return "--device=cuda: found " + rt::cuda::deviceDescription() +
         ", but the GPU pipeline (lp-lower-to-nvvm, issue 21) is not built "
         "yet; run on the CPU";
}
