//===- StepMemory.cpp - the memory a step runs in -------------------------===//

#include "StepMemory.h"
#include "lp/Runtime/Cuda.h"

#include <cstdlib>
#include <cstring>

using namespace lp::rt;
using namespace lp::rt::detail;

void *StepMemory::allocate(size_t bytes, const void *host) const {
  if (cuda)
    return cuda::deviceBuffer(bytes, host);
  void *p = std::malloc(bytes ? bytes : 1);
  if (p && host)
    std::memcpy(p, host, bytes);
  return p;
}

void StepMemory::upload(void *device, const void *host, size_t bytes) const {
  if (cuda)
    cuda::copyToDevice(device, host, bytes);
  else
    std::memcpy(device, host, bytes);
}

void StepMemory::download(void *host, const void *device, size_t bytes) const {
  if (cuda)
    cuda::copyToHost(host, device, bytes);
  else
    std::memcpy(host, device, bytes);
}

void StepMemory::copy(void *to, const void *from, size_t bytes) const {
  if (cuda)
    cuda::copyOnDevice(to, from, bytes);
  else
    std::memcpy(to, from, bytes);
}

void StepMemory::release(void *device) const {
  if (cuda)
    cuda::freeDeviceBuffer(device);
  else
    std::free(device);
}

std::string StepMemory::pendingError() const {
  return cuda ? cuda::takeError() : "";
}

std::string StepMemory::finish() const {
  return cuda ? cuda::synchronize() : "";
}

StepCopies::StepCopies(StepMemory memory, size_t numArgs, size_t numOuts,
                       size_t numResults)
    : memory(memory), args(numArgs, nullptr), outs(numOuts, nullptr),
      outState(numResults, -1), host(numArgs, nullptr), deviceNewer(numArgs, 0),
      hostNewer(numArgs, 0) {}

StepCopies::~StepCopies() {
  for (void *p : args)
    if (p)
      memory.release(p);
  for (void *p : outs)
    if (p)
      memory.release(p);
}
