//===- Cuda.h - the CUDA driver, loaded at run time -------------*- C++ -*-===//
//
// The GPU side of the runtime (issue 21): the CUDA driver API is loaded
// with dlopen (`libcuda.so.1`, or the library $LP_CUDA_DRIVER names) the
// first time a step needs it, so the runtime builds, links and runs on
// machines without a driver or a GPU and says which is missing. The
// host entry points that lowered GPU code calls (MLIR's `mgpu*` ABI,
// CudaHost.cpp) run over it.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CUDA_H
#define LP_RUNTIME_CUDA_H

#include <cstddef>
#include <string>

namespace lp::rt::cuda {

/// Loads and initialises the driver once per process (device 0, its
/// primary context). Empty, or why not:
///   "no CUDA driver: libcuda.so.1: cannot open shared object file: ..."
///   "no GPU: cuInit failed: CUDA_ERROR_STUB_LIBRARY (34)" (the
///     toolkit's stub driver), "... CUDA_ERROR_NO_DEVICE (100)"
///   "no GPU: the driver reports 0 devices"
std::string initialize();

/// Loads the driver library at `path` and initialises it, without
/// keeping it (for tests of each failure): as initialize().
std::string probeDriver(const std::string &path);

/// Device 0 after initialize(): "NVIDIA H100 80GB HBM3, sm_90, 79.1 GiB".
std::string deviceDescription();

/// Device 0's architecture as a chip name ("sm_90") after initialize(),
/// for compiling kernels for it; empty if there is no GPU.
std::string chipName();

/// The first error a host entry point met since the last call, cleared;
/// empty if none. Lowered code cannot receive errors, so the runner asks
/// after each call of a compiled function.
std::string takeError();

/// Device memory for a call of a step, on the step's stream: `bytes`
/// allocated (and filled from `host` if given); copied back into `host`;
/// freed. Failures are recorded (synchronize() returns them).
void *deviceBuffer(size_t bytes, const void *host = nullptr);
void copyToDevice(void *device, const void *host, size_t bytes);
void copyToHost(void *host, const void *device, size_t bytes);
void freeDeviceBuffer(void *device);
/// Copies `bytes` from one device buffer to another, on the step's stream.
void copyOnDevice(void *to, const void *from, size_t bytes);

/// Unloads the modules loaded for compiled code (each kernel image is
/// loaded once): the code that holds the images is going away. Nothing
/// when none were loaded.
void forgetModules();

/// Lets f32 products through cuBLASLt use TF32 tensor cores
/// (CUBLAS_COMPUTE_32F_FAST_TF32: inputs rounded to 10 mantissa bits) from
/// the next product on; by default they compute in f32 (lp-run and lp-exec
/// --allow-tf32). Generated products are f32 either way.
void setAllowTf32(bool allow);

/// Waits for the step's stream (every launch and copy of a step runs on
/// it), then as takeError(): the first error since the last call.
std::string synchronize();

} // namespace lp::rt::cuda

#endif // LP_RUNTIME_CUDA_H
