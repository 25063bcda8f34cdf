//===- CudaHost.cpp - the host entry points lowered GPU code calls --------===//
//
// MLIR's `mgpu*` ABI (the functions gpu-to-LLVM lowering and the
// gpu.binary translation call; TOOLCHAIN.md lists them), over the driver
// loaded by CudaDriver.cpp. Lowered code cannot receive errors: each
// failure is recorded (the first one is kept) and the call does nothing
// further; the runner asks cuda::takeError() after each call of a compiled
// function.
//
//===----------------------------------------------------------------------===//

#include "CudaApi.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/HostSymbols.h"

#include <cstdint>
#include <map>
#include <mutex>

using namespace lp::rt;
using namespace lp::rt::cuda;

bool lp::rt::cuda::ok(const Api *a, CUresult r, const char *call) {
  if (r == kSuccess)
    return true;
  recordError(std::string(call) + " failed: " + errorName(a, r) + " (" +
              std::to_string(r) + ")");
  return false;
}

namespace {

/// Modules by image, and functions by module and name: the lowered code
/// loads the module, looks the kernel up and unloads the module around
/// every launch (MLIR 22's gpu.binary translation); each image is loaded
/// once and each function looked up once, until the code holding the
/// images goes away (forgetModules: another library may be mapped at the
/// same address later).
struct Cache {
  std::mutex mutex;
  std::map<const void *, CUmodule> modules;
  std::map<std::pair<CUmodule, std::string>, CUfunction> functions;
};
Cache &cache() {
  static Cache c;
  return c;
}

} // namespace

#define LP_EXPORT extern "C" __attribute__((visibility("default")))

/// A cubin, fatbin or NUL-terminated PTX image (the driver tells them
/// apart), loaded once; null after a recorded failure.
LP_EXPORT void *mgpuModuleLoad(void *data, int64_t /*bytes*/) {
  const Api *a = api();
  if (!a)
    return nullptr;
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (auto it = c.modules.find(data); it != c.modules.end())
    return it->second;
  CUmodule module = nullptr;
  if (!ok(a, a->moduleLoadData(&module, data), "cuModuleLoadData"))
    return nullptr;
  c.modules[data] = module;
  return module;
}

void lp::rt::cuda::forgetModules() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  if (c.modules.empty())
    return;
  if (const Api *a = api())
    for (auto &[image, module] : c.modules)
      ok(a, a->moduleUnload(module), "cuModuleUnload");
  c.modules.clear();
  c.functions.clear();
}

/// PTX, compiled by the driver's JIT (the optimisation level is its
/// default).
LP_EXPORT void *mgpuModuleLoadJIT(void *data, int32_t /*optLevel*/) {
  return mgpuModuleLoad(data, 0);
}

/// Modules stay loaded (the next launch of the step needs them again).
LP_EXPORT void mgpuModuleUnload(void * /*module*/) {}

LP_EXPORT void *mgpuModuleGetFunction(void *module, const char *name) {
  const Api *a = api();
  if (!a || !module)
    return nullptr;
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  CUfunction &fn = c.functions[{static_cast<CUmodule>(module), name}];
  if (!fn)
    ok(a, a->moduleGetFunction(&fn, static_cast<CUmodule>(module), name),
       "cuModuleGetFunction");
  return fn;
}

LP_EXPORT void mgpuLaunchKernel(void *fn, int64_t gx, int64_t gy, int64_t gz,
                                int64_t bx, int64_t by, int64_t bz,
                                int32_t smem, void *stream, void **params,
                                void **extra, int64_t /*paramCount*/) {
  const Api *a = api();
  if (a && fn)
    ok(a,
       a->launchKernel(static_cast<CUfunction>(fn), unsigned(gx), unsigned(gy),
                       unsigned(gz), unsigned(bx), unsigned(by), unsigned(bz),
                       unsigned(smem), static_cast<CUstream>(stream), params,
                       extra),
       "cuLaunchKernel");
}

LP_EXPORT void *mgpuStreamCreate() {
  const Api *a = api();
  CUstream stream = nullptr;
  if (a)
    ok(a, a->streamCreate(&stream, /*CU_STREAM_NON_BLOCKING*/ 1),
       "cuStreamCreate");
  return stream;
}

LP_EXPORT void mgpuStreamDestroy(void *stream) {
  const Api *a = api();
  if (a && stream)
    ok(a, a->streamDestroy(static_cast<CUstream>(stream)), "cuStreamDestroy");
}

LP_EXPORT void mgpuStreamSynchronize(void *stream) {
  const Api *a = api();
  if (a)
    ok(a, a->streamSynchronize(static_cast<CUstream>(stream)),
       "cuStreamSynchronize");
}

LP_EXPORT void mgpuStreamWaitEvent(void *stream, void *event) {
  const Api *a = api();
  if (a && event)
    ok(a,
       a->streamWaitEvent(static_cast<CUstream>(stream),
                          static_cast<CUevent>(event), 0),
       "cuStreamWaitEvent");
}

LP_EXPORT void *mgpuEventCreate() {
  const Api *a = api();
  CUevent event = nullptr;
  if (a)
    ok(a, a->eventCreate(&event, /*CU_EVENT_DISABLE_TIMING*/ 2),
       "cuEventCreate");
  return event;
}

LP_EXPORT void mgpuEventDestroy(void *event) {
  const Api *a = api();
  if (a && event)
    ok(a, a->eventDestroy(static_cast<CUevent>(event)), "cuEventDestroy");
}

LP_EXPORT void mgpuEventSynchronize(void *event) {
  const Api *a = api();
  if (a && event)
    ok(a, a->eventSynchronize(static_cast<CUevent>(event)),
       "cuEventSynchronize");
}

LP_EXPORT void mgpuEventRecord(void *event, void *stream) {
  const Api *a = api();
  if (a && event)
    ok(a,
       a->eventRecord(static_cast<CUevent>(event),
                      static_cast<CUstream>(stream)),
       "cuEventRecord");
}

/// Device memory; host-shared (managed) memory is not used by LP's
/// lowering and is refused.
LP_EXPORT void *mgpuMemAlloc(uint64_t bytes, void * /*stream*/,
                             int8_t hostShared) {
  const Api *a = api();
  if (!a)
    return nullptr;
  if (hostShared) {
    recordError("mgpuMemAlloc: host-shared (managed) memory is not supported");
    return nullptr;
  }
  CUdeviceptr p = 0;
  if (!ok(a, a->memAlloc(&p, bytes ? bytes : 1), "cuMemAlloc"))
    return nullptr;
  return reinterpret_cast<void *>(static_cast<uintptr_t>(p));
}

LP_EXPORT void mgpuMemFree(void *ptr, void * /*stream*/) {
  const Api *a = api();
  if (a && ptr)
    ok(a, a->memFree(devicePtr(ptr)), "cuMemFree");
}

LP_EXPORT void mgpuMemcpy(void *dst, void *src, uint64_t bytes, void *stream) {
  const Api *a = api();
  if (a && bytes)
    ok(a,
       a->memcpyAsync(devicePtr(dst), devicePtr(src), bytes,
                      static_cast<CUstream>(stream)),
       "cuMemcpyAsync");
}

LP_EXPORT void mgpuMemset32(void *dst, uint32_t value, uint64_t count,
                            void *stream) {
  const Api *a = api();
  if (a && count)
    ok(a,
       a->memsetD32Async(devicePtr(dst), value, count,
                         static_cast<CUstream>(stream)),
       "cuMemsetD32Async");
}

LP_EXPORT void mgpuMemset16(void *dst, uint16_t value, uint64_t count,
                            void *stream) {
  const Api *a = api();
  if (a && count)
    ok(a,
       a->memsetD16Async(devicePtr(dst), value, count,
                         static_cast<CUstream>(stream)),
       "cuMemsetD16Async");
}

void lp::rt::cuda::appendHostSymbols(std::vector<HostSymbol> &symbols) {
  auto add = [&](const char *name, auto *fn) {
    symbols.push_back({name, reinterpret_cast<void *>(fn)});
  };
  add("mgpuModuleLoad", &mgpuModuleLoad);
  add("mgpuModuleLoadJIT", &mgpuModuleLoadJIT);
  add("mgpuModuleUnload", &mgpuModuleUnload);
  add("mgpuModuleGetFunction", &mgpuModuleGetFunction);
  add("mgpuLaunchKernel", &mgpuLaunchKernel);
  add("mgpuStreamCreate", &mgpuStreamCreate);
  add("mgpuStreamDestroy", &mgpuStreamDestroy);
  add("mgpuStreamSynchronize", &mgpuStreamSynchronize);
  add("mgpuStreamWaitEvent", &mgpuStreamWaitEvent);
  add("mgpuEventCreate", &mgpuEventCreate);
  add("mgpuEventDestroy", &mgpuEventDestroy);
  add("mgpuEventSynchronize", &mgpuEventSynchronize);
  add("mgpuEventRecord", &mgpuEventRecord);
  add("mgpuMemAlloc", &mgpuMemAlloc);
  add("mgpuMemFree", &mgpuMemFree);
  add("mgpuMemcpy", &mgpuMemcpy);
  add("mgpuMemset32", &mgpuMemset32);
  add("mgpuMemset16", &mgpuMemset16);
}
