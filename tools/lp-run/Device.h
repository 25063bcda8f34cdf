//===- Device.h - lp-run --device -------------------------------*- C++ -*-===//
//
// Where a step runs: the CPU, or a GPU through the CUDA driver (issue 21;
// docs/Gpu.md).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TOOLS_LPRUN_DEVICE_H
#define LP_TOOLS_LPRUN_DEVICE_H

#include "lp/Runner/Compile.h"

#include "llvm/Support/CommandLine.h"

#include <string>

namespace lp {

/// The category of --device, for --help.
llvm::cl::OptionCategory &deviceCategory();

/// Empty when the step can run where --device says, with `options` set
/// for it (the GPU lowering for the GPU at hand; the CPU lowering of
/// --gpu-launches-on-cpu); otherwise why not (no CUDA driver, no GPU).
std::string checkDevice(CompileOptions &options);

} // namespace lp

#endif // LP_TOOLS_LPRUN_DEVICE_H
