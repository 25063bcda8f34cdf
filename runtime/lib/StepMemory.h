//===- StepMemory.h - the memory a step runs in -----------------*- C++ -*-===//
//
// A step compiled for a GPU runs on device copies of its arrays; the state
// arguments (parameters, optimizer state) can stay there across calls. The
// same bookkeeping over host copies (LP_STEP_ON_COPIES=1) runs CPU steps
// the same way, so the trainer's synchronization is tested without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_STEPMEMORY_H
#define LP_RUNTIME_STEPMEMORY_H

#include <cstddef>
#include <string>
#include <vector>

namespace lp::rt::detail {

/// Device memory (the CUDA driver) or, for tests, host copies.
struct StepMemory {
  bool cuda = false;
  void *allocate(size_t bytes, const void *host) const;
  void upload(void *device, const void *host, size_t bytes) const;
  void download(void *host, const void *device, size_t bytes) const;
  /// From one copy to another, on the device.
  void copy(void *to, const void *from, size_t bytes) const;
  void release(void *device) const;
  /// An error recorded so far, without waiting for the device.
  std::string pendingError() const;
  /// Waits for the step's stream; the first error since the last call.
  std::string finish() const;
};

/// The copies of one step's arrays: per argument the copy, the host array
/// it mirrors, and which side is newer; per out-parameter result a buffer.
struct StepCopies {
  StepMemory memory;
  bool keepState = false; ///< state arguments stay across calls
  std::vector<void *> args, outs;
  /// Per result, the state argument its out-parameter is the next value of
  /// (named like it) while state stays, or -1: copied there on the device.
  std::vector<int64_t> outState;
  std::vector<const void *> host;
  std::vector<char> deviceNewer, hostNewer;

  StepCopies(StepMemory memory, size_t numArgs, size_t numOuts,
             size_t numResults);
  ~StepCopies();
  StepCopies(const StepCopies &) = delete;
  StepCopies &operator=(const StepCopies &) = delete;
};

} // namespace lp::rt::detail

#endif // LP_RUNTIME_STEPMEMORY_H
