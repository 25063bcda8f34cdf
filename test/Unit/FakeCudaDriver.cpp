//===- FakeCudaDriver.cpp - a CUDA driver without a GPU, for tests --------===//
//
// The driver entry points the runtime looks up (runtime/lib/CudaDriver.cpp),
// over host memory: one device ("LP fake driver", sm_90), allocations are
// malloc, copies and fills run at once, streams and events are tokens, and
// every kernel launch fails with CUDA_ERROR_LAUNCH_FAILED (719). Loaded
// as $LP_CUDA_DRIVER by LPFakeDriverTests, it tests the runtime's GPU
// paths that need a driver but no kernel to run: device memory in stream
// order, module and function caches, and a failed launch's error.
//
//===----------------------------------------------------------------------===//

#include <cstdint>
#include <cstdlib>
#include <cstring>

using CUresult = int;
using CUdeviceptr = unsigned long long;

namespace {
constexpr CUresult kSuccess = 0, kLaunchFailed = 719;
void *host(CUdeviceptr p) {
  return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
}
CUdeviceptr device(void *p) {
  return static_cast<CUdeviceptr>(reinterpret_cast<uintptr_t>(p));
}
CUresult allocate(CUdeviceptr *p, size_t bytes) {
  void *m = std::malloc(bytes ? bytes : 1);
  if (!m)
    return 2; // CUDA_ERROR_OUT_OF_MEMORY
  *p = device(m);
  return kSuccess;
}
} // namespace

#define FAKE extern "C" __attribute__((visibility("default"))) CUresult

FAKE cuInit(unsigned) { return kSuccess; }
FAKE cuDeviceGetCount(int *n) {
  *n = 1;
  return kSuccess;
}
FAKE cuDeviceGet(int *d, int) {
  *d = 0;
  return kSuccess;
}
FAKE cuDeviceGetName(char *name, int len, int) {
  std::strncpy(name, "LP fake driver", size_t(len));
  return kSuccess;
}
FAKE cuDeviceGetAttribute(int *v, int attribute, int) {
  // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR (75) and _MINOR (76).
  *v = attribute == 75 ? 9 : 0;
  return kSuccess;
}
FAKE cuDeviceTotalMem_v2(size_t *bytes, int) {
  *bytes = size_t(1) << 30;
  return kSuccess;
}
FAKE cuDevicePrimaryCtxRetain(void **ctx, int) {
  *ctx = reinterpret_cast<void *>(1);
  return kSuccess;
}
FAKE cuCtxSetCurrent(void *) { return kSuccess; }
FAKE cuGetErrorName(CUresult r, const char **name) {
  *name = r == kLaunchFailed ? "CUDA_ERROR_LAUNCH_FAILED"
          : r == kSuccess    ? "CUDA_SUCCESS"
                             : "CUDA_ERROR_UNKNOWN";
  return kSuccess;
}
FAKE cuModuleLoadData(void **module, const void *) {
  *module = std::malloc(1);
  return kSuccess;
}
FAKE cuModuleUnload(void *module) {
  std::free(module);
  return kSuccess;
}
FAKE cuModuleGetFunction(void **fn, void *module, const char *) {
  *fn = module;
  return kSuccess;
}
FAKE cuLaunchKernel(void *, unsigned, unsigned, unsigned, unsigned, unsigned,
                    unsigned, unsigned, void *, void **, void **) {
  return kLaunchFailed;
}
FAKE cuStreamCreate(void **stream, unsigned) {
  *stream = reinterpret_cast<void *>(3);
  return kSuccess;
}
FAKE cuStreamDestroy_v2(void *) { return kSuccess; }
FAKE cuStreamSynchronize(void *) { return kSuccess; }
FAKE cuStreamWaitEvent(void *, void *, unsigned) { return kSuccess; }
FAKE cuEventCreate(void **event, unsigned) {
  *event = reinterpret_cast<void *>(4);
  return kSuccess;
}
FAKE cuEventDestroy_v2(void *) { return kSuccess; }
FAKE cuEventRecord(void *, void *) { return kSuccess; }
FAKE cuEventSynchronize(void *) { return kSuccess; }
FAKE cuMemAlloc_v2(CUdeviceptr *p, size_t bytes) { return allocate(p, bytes); }
FAKE cuMemFree_v2(CUdeviceptr p) {
  std::free(host(p));
  return kSuccess;
}
FAKE cuMemcpyAsync(CUdeviceptr to, CUdeviceptr from, size_t bytes, void *) {
  std::memmove(host(to), host(from), bytes);
  return kSuccess;
}
FAKE cuMemsetD32Async(CUdeviceptr p, unsigned value, size_t count, void *) {
  auto *words = static_cast<uint32_t *>(host(p));
  for (size_t i = 0; i < count; ++i)
    words[i] = value;
  return kSuccess;
}
FAKE cuMemsetD16Async(CUdeviceptr p, unsigned short value, size_t count,
                      void *) {
  auto *halves = static_cast<uint16_t *>(host(p));
  for (size_t i = 0; i < count; ++i)
    halves[i] = value;
  return kSuccess;
}
FAKE cuMemAllocAsync(CUdeviceptr *p, size_t bytes, void *) {
  return allocate(p, bytes);
}
FAKE cuMemFreeAsync(CUdeviceptr p, void *) {
  std::free(host(p));
  return kSuccess;
}
FAKE cuMemcpyHtoDAsync_v2(CUdeviceptr to, const void *from, size_t bytes,
                          void *) {
  std::memcpy(host(to), from, bytes);
  return kSuccess;
}
FAKE cuMemcpyDtoHAsync_v2(void *to, CUdeviceptr from, size_t bytes, void *) {
  std::memcpy(to, host(from), bytes);
  return kSuccess;
}
FAKE cuDeviceGetDefaultMemPool(void **pool, int) {
  *pool = reinterpret_cast<void *>(5);
  return kSuccess;
}
FAKE cuMemPoolSetAttribute(void *, int, void *) { return kSuccess; }
