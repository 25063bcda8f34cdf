//===- Step.cpp - load and call a compiled step ---------------------------===//

#include "lp/Runtime/Step.h"
#include "StepMemory.h"
#include "lp/Runtime/BufferCache.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Runtime/Json.h"

#include <cstdlib>
#include <dlfcn.h>

using namespace lp;
using namespace lp::rt;

CodeSource::~CodeSource() = default;

std::unique_ptr<SharedObject> SharedObject::open(const std::string &path,
                                                 std::string &error) {
  // A name without a slash is a file here, not a library to search for.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    error = "cannot load '" + path + "': " + (why ? why : "unknown error");
    return nullptr;
  }
  std::unique_ptr<SharedObject> object(new SharedObject(handle));
  // The CPU's kernel libraries (BLAS, oneDNN) are loaded for CPU steps
  // only: a library of GPU steps runs where they are not installed.
  std::vector<std::string> names = listEntryPoints(*object);
  bool cpu = names.empty();
  for (const std::string &name : names) {
    auto *text =
        static_cast<const char *>(object->lookup(signatureSymbol(name)));
    Signature sig;
    cpu |= !text || !parseSignature(text, sig).empty() || !sig.onCuda;
  }
  if (cpu) {
    error = prepareHostSymbols();
    if (!error.empty())
      return nullptr;
  }
  return object;
}

SharedObject::~SharedObject() {
  // Kernel images embedded in the library go with it.
  cuda::forgetModules();
  dlclose(handle);
}

void *SharedObject::lookup(const std::string &symbol) {
  return dlsym(handle, symbol.c_str());
}

std::vector<std::string> lp::rt::listEntryPoints(CodeSource &code) {
  std::vector<std::string> names;
  auto *text = static_cast<const char *>(code.lookup(kEntryPointsSymbol));
  JsonValue doc;
  std::string error;
  if (!text || !parseJson(text, doc, error) || doc.kind != JsonValue::Array)
    return names;
  for (const JsonValue &v : doc.array)
    if (v.kind == JsonValue::String)
      names.push_back(v.string);
  return names;
}

std::string Step::load(CodeSource &code, const std::string &function,
                       Step &out) {
  auto *text =
      static_cast<const char *>(code.lookup(signatureSymbol(function)));
  if (!text)
    return "the compiled code has no function '" + function + "' (no symbol " +
           signatureSymbol(function) + ")";
  Step step;
  step.text = text;
  std::string error = parseSignature(text, step.sig);
  if (!error.empty())
    return error;
  step.entry = reinterpret_cast<void (*)(void **)>(code.lookup(step.sig.entry));
  if (!step.entry)
    return "the compiled code has no entry point '" + step.sig.entry +
           "' for '" + function + "'";
  if (step.sig.onCuda)
    if (std::string e = cuda::initialize(); !e.empty())
      return "'" + function + "' was compiled for a GPU: " + e;
  // A test of the runner's copies and synchronization on the CPU.
  const char *copies = std::getenv("LP_STEP_ON_COPIES");
  step.onCopies = copies && std::string(copies) == "1";
  out = std::move(step);
  return "";
}

namespace {
/// Storage for the expanded memref descriptors of one call: for each
/// buffer, (allocated, aligned, offset, sizes..., strides...).
struct PackedCall {
  std::vector<void *> pointers; ///< allocated/aligned pointer values
  std::vector<int64_t> ints;    ///< offsets, sizes, strides
  std::vector<size_t> ranks;
  std::vector<void *> args; ///< what the entry point receives

  void add(void *data, const std::vector<int64_t> &shape) {
    pointers.push_back(data);
    ints.push_back(0);
    ints.insert(ints.end(), shape.begin(), shape.end());
    std::vector<int64_t> strides(shape.size(), 1);
    for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
    ints.insert(ints.end(), strides.begin(), strides.end());
    ranks.push_back(shape.size());
  }

  /// Takes the addresses once all storage is in place.
  void finish() {
    size_t p = 0, n = 0;
    for (size_t rank : ranks) {
      args.push_back(&pointers[p]); // allocated
      args.push_back(&pointers[p]); // aligned
      ++p;
      for (size_t i = 0; i < 1 + 2 * rank; ++i)
        args.push_back(&ints[n++]);
    }
  }
};
} // namespace

/// The bytes of `slot`'s array.
static size_t byteSize(const TensorSlot &slot) {
  return size_t(slot.numElements()) * npy::dtypeSize(slot.dtype);
}

std::string Step::callInto(const std::vector<void *> &argData,
                           const std::vector<void *> &outData) const {
  if (sig.onCuda || onCopies)
    return callOnCopies(argData, outData);
  PackedCall call;
  for (size_t i = 0; i < sig.args.size(); ++i)
    call.add(argData[i], sig.args[i].shape);
  size_t j = 0;
  for (size_t i = 0; i < sig.results.size(); ++i)
    if (sig.isOutParam(i))
      call.add(outData[j++], sig.results[i].shape);
  call.finish();
  entry(call.args.data());
  buffers::endOfCall();
  return "";
}

detail::StepCopies &Step::copiesFor() const {
  if (!copies) {
    detail::StepMemory memory;
    memory.cuda = sig.onCuda;
    copies = std::make_shared<detail::StepCopies>(
        memory, sig.args.size(), sig.numOutParams(), sig.results.size());
  }
  return *copies;
}

/// The call on copies of the arrays (device memory for a GPU step): each
/// argument is copied in unless it is a state argument kept from the last
/// call and the host has not written it since; the out-parameters and the
/// arguments updated in place that are not kept come back, except an
/// out-parameter that is the next value of a kept state argument (named
/// like it: the loss scale, a step count), which is copied into that
/// argument's copy on the device. One synchronization, at the end.
std::string Step::callOnCopies(const std::vector<void *> &argData,
                               const std::vector<void *> &outData) const {
  detail::StepCopies &c = copiesFor();
  const detail::StepMemory &mem = c.memory;
  PackedCall call;
  for (size_t i = 0; i < sig.args.size(); ++i) {
    size_t bytes = byteSize(sig.args[i]);
    bool kept = c.keepState && sig.args[i].isState();
    if (!c.args[i]) {
      c.args[i] = mem.allocate(bytes, argData[i]);
    } else if (!kept || c.hostNewer[i] || c.host[i] != argData[i]) {
      // The copy of another host array: that array gets its values first.
      if (c.deviceNewer[i] && c.host[i] != argData[i])
        mem.download(const_cast<void *>(c.host[i]), c.args[i], bytes);
      mem.upload(c.args[i], argData[i], bytes);
    }
    c.host[i] = argData[i];
    c.hostNewer[i] = c.deviceNewer[i] = 0;
    call.add(c.args[i], sig.args[i].shape);
  }
  std::vector<size_t> outSlots;
  for (size_t i = 0; i < sig.results.size(); ++i)
    if (sig.isOutParam(i)) {
      size_t j = outSlots.size();
      outSlots.push_back(i);
      if (!c.outs[j]) {
        c.outs[j] = mem.allocate(byteSize(sig.results[i]), nullptr);
        // While state stays, the state argument this result is the next
        // value of (named like it), found once.
        for (size_t a = 0; c.keepState && a < sig.args.size(); ++a)
          if (sig.args[a].isState() &&
              sig.args[a].name == sig.results[i].name &&
              byteSize(sig.args[a]) == byteSize(sig.results[i]))
            c.outState[i] = int64_t(a);
      }
      call.add(c.outs[j], sig.results[i].shape);
    }
  // A buffer that could not be allocated has left its error.
  if (std::string e = mem.pendingError(); !e.empty()) {
    copies.reset();
    return e;
  }
  call.finish();
  entry(call.args.data());
  buffers::endOfCall();
  for (const TensorSlot &r : sig.results) {
    if (!r.inplaceArg)
      continue;
    int64_t a = *r.inplaceArg;
    if (c.keepState && sig.args[a].isState())
      c.deviceNewer[a] = 1;
    else
      mem.download(argData[a], c.args[a], byteSize(r));
  }
  for (size_t j = 0; j < outSlots.size(); ++j) {
    const TensorSlot &r = sig.results[outSlots[j]];
    if (int64_t a = c.outState[outSlots[j]]; a >= 0) {
      mem.copy(c.args[a], c.outs[j], byteSize(r));
      c.deviceNewer[a] = 1;
    } else {
      mem.download(outData[j], c.outs[j], byteSize(r));
    }
  }
  std::string e = mem.finish();
  if (!c.keepState)
    copies.reset();
  return e;
}

bool Step::resultStaysInState(size_t result) const {
  return copies && copies->keepState && copies->outState[result] >= 0;
}

void Step::keepStateResident() const {
  if (sig.onCuda || onCopies)
    copiesFor().keepState = true;
}

std::string Step::syncToHost(const void *hostData) const {
  if (!copies)
    return "";
  detail::StepCopies &c = *copies;
  for (size_t i = 0; i < sig.args.size(); ++i)
    if (c.deviceNewer[i] && (!hostData || c.host[i] == hostData)) {
      c.memory.download(const_cast<void *>(c.host[i]), c.args[i],
                        byteSize(sig.args[i]));
      c.deviceNewer[i] = 0;
    }
  return c.memory.finish();
}

void Step::hostWrote(const void *hostData) const {
  if (!copies)
    return;
  for (size_t i = 0; i < sig.args.size(); ++i)
    if (!hostData || copies->host[i] == hostData) {
      copies->hostNewer[i] = 1;
      copies->deviceNewer[i] = 0;
    }
}

std::string Step::call(const std::vector<void *> &argData,
                       std::vector<npy::Array> &results) const {
  results.resize(sig.results.size());
  std::vector<void *> outData;
  for (size_t i = 0; i < sig.results.size(); ++i) {
    if (!sig.isOutParam(i))
      continue;
    const TensorSlot &slot = sig.results[i];
    npy::Array &r = results[i];
    r.dtype = slot.dtype;
    r.shape = slot.shape;
    r.data.resize(byteSize(slot));
    outData.push_back(r.data.data());
  }
  return callInto(argData, outData);
}

std::string Step::run(const std::vector<npy::Array *> &args,
                      std::vector<npy::Array> &results) const {
  if (args.size() != sig.args.size())
    return "expected " + std::to_string(sig.args.size()) + " arguments, got " +
           std::to_string(args.size());
  std::vector<void *> data;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string error = checkArgument(sig.args[i], *args[i]);
    if (!error.empty())
      return error;
    data.push_back(args[i]->data.data());
  }
  return call(data, results);
}
