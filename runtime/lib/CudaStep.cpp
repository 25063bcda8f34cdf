//===- CudaStep.cpp - the runtime entry points of a GPU step --------------===//
//
// What lp-gpu-host-calls makes the host code of a GPU step call instead of
// upstream's per-buffer malloc and per-launch streams: device memory
// allocated and freed in stream order on the step's one stream (the
// driver's default memory pool, told at initialization to keep what is
// freed, serves the next step's buffers), and that stream. The kernels
// of a step run in order on it; the runner synchronizes once, when it
// reads the step's results.
//
//===----------------------------------------------------------------------===//

#include "CudaApi.h"
#include "lp/Runtime/Cuda.h"

#include <mutex>

using namespace lp::rt;
using namespace lp::rt::cuda;

CUstream lp::rt::cuda::stepStream() {
  static std::once_flag once;
  static CUstream stream = nullptr;
  const Api *a = api();
  if (!a)
    return nullptr;
  std::call_once(once, [a] {
    ok(a, a->streamCreate(&stream, /*CU_STREAM_NON_BLOCKING*/ 1),
       "cuStreamCreate");
  });
  return stream;
}

std::string lp::rt::cuda::synchronize() {
  if (const Api *a = api())
    if (CUstream s = stepStream())
      ok(a, a->streamSynchronize(s), "cuStreamSynchronize");
  return takeError();
}

#define LP_EXPORT extern "C" __attribute__((visibility("default")))

LP_EXPORT void *lp_cuda_step_stream() { return stepStream(); }

/// `bytes` of device memory on the step's stream (aligned to 256 bytes at
/// least, as the driver's allocations are); null after a recorded failure.
LP_EXPORT void *lp_cuda_alloc(uint64_t bytes) {
  const Api *a = api();
  CUstream s = stepStream();
  if (!a || !s)
    return nullptr;
  CUdeviceptr p = 0;
  if (!ok(a, a->memAllocAsync(&p, bytes ? bytes : 1, s), "cuMemAllocAsync"))
    return nullptr;
  return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
}

LP_EXPORT void *lp_cuda_aligned_alloc(uint64_t alignment, uint64_t bytes) {
  if (alignment > 256) {
    recordError("lp_cuda_aligned_alloc: alignment " +
                std::to_string(alignment) + " is above the driver's 256 bytes");
    return nullptr;
  }
  return lp_cuda_alloc(bytes);
}

LP_EXPORT void lp_cuda_free(void *ptr) {
  const Api *a = api();
  CUstream s = stepStream();
  if (a && s && ptr)
    ok(a, a->memFreeAsync(devicePtr(ptr), s), "cuMemFreeAsync");
}

void *lp::rt::cuda::deviceBuffer(size_t bytes, const void *host) {
  void *d = lp_cuda_alloc(bytes);
  if (d && host)
    copyToDevice(d, host, bytes);
  return d;
}

void lp::rt::cuda::copyToDevice(void *device, const void *host, size_t bytes) {
  const Api *a = api();
  if (a && device && bytes)
    ok(a, a->memcpyHtoDAsync(devicePtr(device), host, bytes, stepStream()),
       "cuMemcpyHtoDAsync");
}

void lp::rt::cuda::copyToHost(void *host, const void *device, size_t bytes) {
  const Api *a = api();
  if (a && device && bytes)
    ok(a,
       a->memcpyDtoHAsync(host, devicePtr(const_cast<void *>(device)), bytes,
                          stepStream()),
       "cuMemcpyDtoHAsync");
}

void lp::rt::cuda::freeDeviceBuffer(void *device) { lp_cuda_free(device); }

void lp::rt::cuda::copyOnDevice(void *to, const void *from, size_t bytes) {
  const Api *a = api();
  if (a && to && from && bytes)
    ok(a,
       a->memcpyAsync(devicePtr(to), devicePtr(const_cast<void *>(from)), bytes,
                      stepStream()),
       "cuMemcpyAsync");
}

void lp::rt::cuda::appendStepSymbols(std::vector<HostSymbol> &symbols) {
  symbols.push_back(
      {"lp_cuda_step_stream", reinterpret_cast<void *>(&lp_cuda_step_stream)});
  symbols.push_back(
      {"lp_cuda_alloc", reinterpret_cast<void *>(&lp_cuda_alloc)});
  symbols.push_back({"lp_cuda_aligned_alloc",
                     reinterpret_cast<void *>(&lp_cuda_aligned_alloc)});
  symbols.push_back({"lp_cuda_free", reinterpret_cast<void *>(&lp_cuda_free)});
}
