//===- CudaApi.h - the CUDA driver entry points the runtime uses -*- C++
//-*-===//
//
// Internal to the runtime: the driver API's types and functions as the
// runtime calls them, looked up with dlsym by loadDriver (CudaDriver.cpp),
// so that the runtime builds and links without the CUDA toolkit and runs
// without a driver. Values are those of the toolkit's cuda.h (CUDA 13).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CUDAAPI_H
#define LP_RUNTIME_CUDAAPI_H

#include "lp/Runtime/HostSymbols.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lp::rt::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = struct CUctx_st *;
using CUmodule = struct CUmod_st *;
using CUfunction = struct CUfunc_st *;
using CUstream = struct CUstream_st *;
using CUevent = struct CUevent_st *;
using CUmemoryPool = struct CUmemPoolHandle_st *;

constexpr CUresult kSuccess = 0;
constexpr int kComputeCapabilityMajor = 75, kComputeCapabilityMinor = 76;

/// The driver functions, each looked up by its versioned symbol
/// (`cuMemAlloc_v2`, ...) as cuda.h names them.
struct Api {
  CUresult (*init)(unsigned);
  CUresult (*deviceGetCount)(int *);
  CUresult (*deviceGet)(CUdevice *, int);
  CUresult (*deviceGetName)(char *, int, CUdevice);
  CUresult (*deviceGetAttribute)(int *, int, CUdevice);
  CUresult (*deviceTotalMem)(size_t *, CUdevice);
  CUresult (*primaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*ctxSetCurrent)(CUcontext);
  CUresult (*getErrorName)(CUresult, const char **);
  CUresult (*moduleLoadData)(CUmodule *, const void *);
  CUresult (*moduleUnload)(CUmodule);
  CUresult (*moduleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*launchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                           unsigned, unsigned, unsigned, CUstream, void **,
                           void **);
  CUresult (*streamCreate)(CUstream *, unsigned);
  CUresult (*streamDestroy)(CUstream);
  CUresult (*streamSynchronize)(CUstream);
  CUresult (*streamWaitEvent)(CUstream, CUevent, unsigned);
  CUresult (*eventCreate)(CUevent *, unsigned);
  CUresult (*eventDestroy)(CUevent);
  CUresult (*eventRecord)(CUevent, CUstream);
  CUresult (*eventSynchronize)(CUevent);
  CUresult (*memAlloc)(CUdeviceptr *, size_t);
  CUresult (*memFree)(CUdeviceptr);
  CUresult (*memcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*memsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*memsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  // Stream-ordered allocation (CUDA 11.2) and host copies, for the step.
  CUresult (*memAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*memFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*memcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*memcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*deviceGetDefaultMemPool)(CUmemoryPool *, CUdevice);
  CUresult (*memPoolSetAttribute)(CUmemoryPool, int, void *);
};

constexpr int kMemPoolReleaseThreshold = 4; // CU_MEMPOOL_ATTR_RELEASE_THRESHOLD

/// The driver's name for `result` (`CUDA_ERROR_NO_DEVICE`), from the
/// driver when it can say, else from the runtime's own table.
std::string errorName(const Api *api, CUresult result);

/// The loaded and initialised driver (device 0's primary context current
/// on the calling thread), or null after recording why not (takeError).
const Api *api();

/// Records `message` as the first error since the last takeError (the
/// host entry points cannot return one to the lowered code).
void recordError(const std::string &message);

/// Whether `r` succeeded; records `call`'s failure otherwise.
bool ok(const Api *a, CUresult r, const char *call);

inline CUdeviceptr devicePtr(void *p) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(p));
}

/// Adds the `mgpu*` entry points (CudaHost.cpp) to `symbols`.
void appendHostSymbols(std::vector<HostSymbol> &symbols);

/// The step's entry points (CudaStep.cpp): lp_cuda_alloc/_aligned_alloc/
/// _free and lp_cuda_step_stream.
void appendStepSymbols(std::vector<HostSymbol> &symbols);

/// The products through cuBLASLt (CudaBlas.cpp): lp_cuda_sgemm,
/// lp_cuda_gemm_bf16, lp_cuda_gemm_f16.
void appendBlasSymbols(std::vector<HostSymbol> &symbols);

/// The stream every launch of a step runs on, created once; null after a
/// recorded failure.
CUstream stepStream();

} // namespace lp::rt::cuda

#endif // LP_RUNTIME_CUDAAPI_H
