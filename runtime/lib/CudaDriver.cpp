//===- CudaDriver.cpp - the CUDA driver, loaded with dlopen ---------------===//
//
// Loads the driver API the first time a step needs it (Cuda.h): the
// library, each entry point, cuInit, device 0 and its primary context.
// Every failure becomes a message that says which piece is missing.
//
//===----------------------------------------------------------------------===//

#include "CudaApi.h"
#include "lp/Runtime/Cuda.h"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

using namespace lp::rt;
using namespace lp::rt::cuda;

namespace {

/// The names of the errors the runtime reports most, for drivers that
/// cannot name them (the toolkit's stub names nothing).
const char *knownErrorName(CUresult r) {
  switch (r) {
  case 1:
    return "CUDA_ERROR_INVALID_VALUE";
  case 2:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case 3:
    return "CUDA_ERROR_NOT_INITIALIZED";
  case 34:
    return "CUDA_ERROR_STUB_LIBRARY";
  case 35:
    return "CUDA_ERROR_INSUFFICIENT_DRIVER";
  case 100:
    return "CUDA_ERROR_NO_DEVICE";
  case 200:
    return "CUDA_ERROR_INVALID_IMAGE";
  case 209:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case 218:
    return "CUDA_ERROR_INVALID_PTX";
  case 222:
    return "CUDA_ERROR_UNSUPPORTED_PTX_VERSION";
  case 500:
    return "CUDA_ERROR_NOT_FOUND";
  case 700:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case 701:
    return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  case 719:
    return "CUDA_ERROR_LAUNCH_FAILED";
  default:
    return nullptr;
  }
}

/// Looks up every entry point of `api` in `handle`; empty or the first
/// missing symbol.
std::string lookUp(void *handle, Api &api) {
  std::string missing;
  auto get = [&](auto &fn, const char *symbol) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
        dlsym(handle, symbol));
    if (!fn && missing.empty())
      missing = symbol;
  };
  get(api.init, "cuInit");
  get(api.deviceGetCount, "cuDeviceGetCount");
  get(api.deviceGet, "cuDeviceGet");
  get(api.deviceGetName, "cuDeviceGetName");
  get(api.deviceGetAttribute, "cuDeviceGetAttribute");
  get(api.deviceTotalMem, "cuDeviceTotalMem_v2");
  get(api.primaryCtxRetain, "cuDevicePrimaryCtxRetain");
  get(api.ctxSetCurrent, "cuCtxSetCurrent");
  get(api.getErrorName, "cuGetErrorName");
  get(api.moduleLoadData, "cuModuleLoadData");
  get(api.moduleUnload, "cuModuleUnload");
  get(api.moduleGetFunction, "cuModuleGetFunction");
  get(api.launchKernel, "cuLaunchKernel");
  get(api.streamCreate, "cuStreamCreate");
  get(api.streamDestroy, "cuStreamDestroy_v2");
  get(api.streamSynchronize, "cuStreamSynchronize");
  get(api.streamWaitEvent, "cuStreamWaitEvent");
  get(api.eventCreate, "cuEventCreate");
  get(api.eventDestroy, "cuEventDestroy_v2");
  get(api.eventRecord, "cuEventRecord");
  get(api.eventSynchronize, "cuEventSynchronize");
  get(api.memAlloc, "cuMemAlloc_v2");
  get(api.memFree, "cuMemFree_v2");
  get(api.memcpyAsync, "cuMemcpyAsync");
  get(api.memsetD32Async, "cuMemsetD32Async");
  get(api.memsetD16Async, "cuMemsetD16Async");
  get(api.memAllocAsync, "cuMemAllocAsync");
  get(api.memFreeAsync, "cuMemFreeAsync");
  get(api.memcpyHtoDAsync, "cuMemcpyHtoDAsync_v2");
  get(api.memcpyDtoHAsync, "cuMemcpyDtoHAsync_v2");
  get(api.deviceGetDefaultMemPool, "cuDeviceGetDefaultMemPool");
  get(api.memPoolSetAttribute, "cuMemPoolSetAttribute");
  return missing;
}

/// A loaded driver: the library, its entry points, device 0's context.
struct Driver {
  void *handle = nullptr;
  Api api{};
  CUdevice device = 0;
  CUcontext context = nullptr;
};

/// Loads `path` into `d` and initialises device 0; empty or why not.
std::string load(const std::string &path, Driver &d) {
  d.handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!d.handle) {
    const char *why = dlerror();
    return "no CUDA driver: " + std::string(why ? why : path.c_str());
  }
  if (std::string missing = lookUp(d.handle, d.api); !missing.empty())
    return "no CUDA driver: " + path + " has no " + missing +
           " (a driver older than CUDA 12?)";
  auto failed = [&](const char *call, CUresult r) {
    return "no GPU: " + std::string(call) + " failed: " + errorName(&d.api, r) +
           " (" + std::to_string(r) + ")";
  };
  if (CUresult r = d.api.init(0); r != kSuccess)
    return failed("cuInit", r);
  int count = 0;
  if (CUresult r = d.api.deviceGetCount(&count); r != kSuccess)
    return failed("cuDeviceGetCount", r);
  if (count == 0)
    return "no GPU: the driver reports 0 devices";
  if (CUresult r = d.api.deviceGet(&d.device, 0); r != kSuccess)
    return failed("cuDeviceGet", r);
  if (CUresult r = d.api.primaryCtxRetain(&d.context, d.device); r != kSuccess)
    return failed("cuDevicePrimaryCtxRetain", r);
  // Stream-ordered allocations (a step's buffers) stay in the pool when
  // freed: by default it returns them to the system at every
  // synchronization, once per step.
  CUmemoryPool pool = nullptr;
  uint64_t keepAll = ~uint64_t(0);
  if (CUresult r = d.api.deviceGetDefaultMemPool(&pool, d.device);
      r != kSuccess)
    return failed("cuDeviceGetDefaultMemPool", r);
  if (CUresult r =
          d.api.memPoolSetAttribute(pool, kMemPoolReleaseThreshold, &keepAll);
      r != kSuccess)
    return failed("cuMemPoolSetAttribute", r);
  return "";
}

/// The process's driver, loaded once.
struct Process {
  std::once_flag once;
  Driver driver;
  std::string error; ///< why it is not there, if it is not
};
Process &process() {
  static Process p;
  std::call_once(p.once, [] {
    const char *path = std::getenv("LP_CUDA_DRIVER");
    p.error = load(path && *path ? path : "libcuda.so.1", p.driver);
  });
  return p;
}

std::mutex errorMutex;
std::string firstError;

} // namespace

std::string cuda::errorName(const Api *api, CUresult result) {
  const char *name = nullptr;
  if (api && api->getErrorName &&
      api->getErrorName(result, &name) == kSuccess && name)
    return name;
  if (const char *known = knownErrorName(result))
    return known;
  return "CUDA error " + std::to_string(result);
}

const Api *cuda::api() {
  Process &p = process();
  if (!p.error.empty()) {
    recordError(p.error);
    return nullptr;
  }
  // The primary context, current on each thread that calls the driver.
  thread_local bool current = false;
  if (!current) {
    if (CUresult r = p.driver.api.ctxSetCurrent(p.driver.context);
        r != kSuccess) {
      recordError("cuCtxSetCurrent failed: " + errorName(&p.driver.api, r));
      return nullptr;
    }
    current = true;
  }
  return &p.driver.api;
}

void cuda::recordError(const std::string &message) {
  std::lock_guard<std::mutex> lock(errorMutex);
  if (firstError.empty())
    firstError = message;
}

std::string cuda::initialize() { return process().error; }

std::string cuda::probeDriver(const std::string &path) {
  Driver d;
  std::string error = load(path, d);
  // The library stays loaded (a driver does not support being unloaded).
  return error;
}

std::string cuda::deviceDescription() {
  Process &p = process();
  if (!p.error.empty())
    return p.error;
  const Api &a = p.driver.api;
  char name[256] = {0};
  int major = 0, minor = 0;
  size_t bytes = 0;
  a.deviceGetName(name, sizeof name - 1, p.driver.device);
  a.deviceGetAttribute(&major, kComputeCapabilityMajor, p.driver.device);
  a.deviceGetAttribute(&minor, kComputeCapabilityMinor, p.driver.device);
  a.deviceTotalMem(&bytes, p.driver.device);
  char text[400];
  std::snprintf(text, sizeof text, "%s, sm_%d%d, %.1f GiB", name, major, minor,
                double(bytes) / double(1ull << 30));
  return text;
}

std::string cuda::chipName() {
  Process &p = process();
  if (!p.error.empty())
    return "";
  int major = 0, minor = 0;
  p.driver.api.deviceGetAttribute(&major, kComputeCapabilityMajor,
                                  p.driver.device);
  p.driver.api.deviceGetAttribute(&minor, kComputeCapabilityMinor,
                                  p.driver.device);
  return "sm_" + std::to_string(major) + std::to_string(minor);
}

std::string cuda::takeError() {
  std::lock_guard<std::mutex> lock(errorMutex);
  std::string e;
  e.swap(firstError);
  return e;
}
