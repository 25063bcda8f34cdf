//===- Device.h - lp-run --device -------------------------------*- C++ -*-===//
//
// Where a step runs: the CPU, or a GPU through the CUDA driver (issue 21;
// docs/Gpu.md).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TOOLS_LPRUN_DEVICE_H
#define LP_TOOLS_LPRUN_DEVICE_H

#include "lp/Pipelines/Pipelines.h"

#include "llvm/Support/CommandLine.h"

#include <string>

namespace lp {

/// The category of --device, for --help.
llvm::cl::OptionCategory &deviceCategory();

/// Empty when the step runs on the CPU; otherwise why it cannot run on the
/// device --device names (no CUDA driver, no GPU, or the GPU pipeline that
/// is not built yet). Sets the CPU lowering of --gpu-launches-on-cpu.
std::string checkDevice(LowerToLLVMOptions &lowering);

} // namespace lp

#endif // LP_TOOLS_LPRUN_DEVICE_H
