//===- Step.h - load and call a compiled step -------------------*- C++ -*-===//
//
// A compiled function is found in a `CodeSource` by two symbols the
// compiler emits next to it (lp-emit-entry-points): `lp_signature_<fn>`, the
// calling convention as a JSON document, and its packed entry point. Code
// sources are interchangeable: the JIT (lib/Runner, the only part that links
// LLVM) and a shared object compiled ahead of time (`SharedObject`); a step
// lowered for the GPU (its signature says "device": "cuda") has its kernels
// embedded in either and is called on device copies of its arrays.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_STEP_H
#define LP_RUNTIME_STEP_H

#include "lp/Runtime/Signature.h"

#include <memory>
#include <string>
#include <vector>

namespace lp {
namespace rt {
namespace detail {
struct StepCopies;
} // namespace detail

/// Compiled code: symbols by name.
class CodeSource {
public:
  virtual ~CodeSource();
  /// The address of `symbol`, or nullptr.
  virtual void *lookup(const std::string &symbol) = 0;
};

/// A step compiled ahead of time: a shared object opened with dlopen. Its
/// undefined symbols (HostSymbols.h) resolve against the runtime library.
class SharedObject : public CodeSource {
public:
  /// Returns nullptr and sets `error` when the file cannot be loaded.
  static std::unique_ptr<SharedObject> open(const std::string &path,
                                            std::string &error);
  ~SharedObject() override;
  void *lookup(const std::string &symbol) override;

private:
  explicit SharedObject(void *handle) : handle(handle) {}
  void *handle;
};

/// The public functions a module's code describes (`lp_entry_points`), in
/// the order of the module; empty if it has none.
std::vector<std::string> listEntryPoints(CodeSource &code);

/// One compiled function and its calling convention.
class Step {
public:
  /// Finds `function` in `code`; returns an empty string or a message.
  static std::string load(CodeSource &code, const std::string &function,
                          Step &out);

  const Signature &signature() const { return sig; }
  /// The signature document as the compiler embedded it.
  const std::string &signatureText() const { return text; }

  /// Calls the function on the arguments' element bytes, laid out as the
  /// signature says (the caller has checked them). `results` gets one
  /// array per result; results updated in place are left empty, the others
  /// are allocated here with their shapes (kept when they already fit).
  /// A step compiled for a GPU runs there on copies of the arrays. Returns
  /// an empty string or the GPU's error.
  std::string call(const std::vector<void *> &argData,
                   std::vector<npy::Array> &results) const;

  /// As `call`, with the out-parameter results' storage given by the
  /// caller: `outData[j]` for the j-th result that is not updated in place.
  std::string callInto(const std::vector<void *> &argData,
                       const std::vector<void *> &outData) const;

  /// For a step that runs on copies of its arrays (a GPU step): keep the
  /// state arguments (parameters, optimizer state) in its memory across
  /// calls; the host arrays are then stale until syncToHost, and a host
  /// write must be announced with hostWrote. A CPU step ignores it.
  void keepStateResident() const;
  /// Copies the kept state that the step has updated back into its host
  /// array (`hostData`, or all when null); empty or the GPU's error.
  std::string syncToHost(const void *hostData = nullptr) const;
  /// The host has written `hostData` (all state arrays when null): the
  /// next call copies it in.
  void hostWrote(const void *hostData = nullptr) const;
  /// Frees the copies (state not synchronized is lost) and ends keeping
  /// state resident.
  void releaseCopies() const { copies.reset(); }
  /// Whether the last call left result `result` (an out-parameter named
  /// like a state argument) in that argument's copy instead of returning
  /// it: state kept resident; the host array is stale until syncToHost.
  bool resultStaysInState(size_t result) const;

  /// As `call`, after checking every argument against the signature
  /// (dtype, shape, index bounds); returns an empty string or a message.
  std::string run(const std::vector<npy::Array *> &args,
                  std::vector<npy::Array> &results) const;

private:
  std::string callOnCopies(const std::vector<void *> &argData,
                           const std::vector<void *> &outData) const;
  detail::StepCopies &copiesFor() const;

  Signature sig;
  /// LP_STEP_ON_COPIES=1: a CPU step runs on copies as a GPU step does.
  bool onCopies = false;
  /// The copies the step runs on (a cache, hence mutable).
  mutable std::shared_ptr<detail::StepCopies> copies;
  std::string text;
  void (*entry)(void **) = nullptr;
};

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_STEP_H
