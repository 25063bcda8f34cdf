//===- Step.cpp - load and call a compiled step ---------------------------===//

#include "lp/Runtime/Step.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Runtime/Json.h"

#include <dlfcn.h>

using namespace lp;
using namespace lp::rt;

CodeSource::~CodeSource() = default;

std::unique_ptr<SharedObject> SharedObject::open(const std::string &path,
                                                 std::string &error) {
  error = prepareHostSymbols();
  if (!error.empty())
    return nullptr;
  // A name without a slash is a file here, not a library to search for.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  void *handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    error = "cannot load '" + path + "': " + (why ? why : "unknown error");
    return nullptr;
  }
  return std::unique_ptr<SharedObject>(new SharedObject(handle));
}

SharedObject::~SharedObject() { dlclose(handle); }

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
  if (sig.onCuda)
    return callOnCuda(argData, outData);
  PackedCall call;
  for (size_t i = 0; i < sig.args.size(); ++i)
    call.add(argData[i], sig.args[i].shape);
  size_t j = 0;
  for (size_t i = 0; i < sig.results.size(); ++i)
    if (sig.isOutParam(i))
      call.add(outData[j++], sig.results[i].shape);
  call.finish();
  entry(call.args.data());
  return "";
}

/// Every argument copied to device memory, the call, the out-parameters
/// and the arguments updated in place copied back, one synchronization.
/// (Parameters and optimizer state do not stay on the device across calls
/// yet: docs/Gpu.md.)
std::string Step::callOnCuda(const std::vector<void *> &argData,
                             const std::vector<void *> &outData) const {
  PackedCall call;
  std::vector<void *> device;
  for (size_t i = 0; i < sig.args.size(); ++i) {
    device.push_back(cuda::deviceBuffer(byteSize(sig.args[i]), argData[i]));
    call.add(device.back(), sig.args[i].shape);
  }
  std::vector<size_t> outSlots;
  for (size_t i = 0; i < sig.results.size(); ++i)
    if (sig.isOutParam(i)) {
      outSlots.push_back(i);
      device.push_back(cuda::deviceBuffer(byteSize(sig.results[i])));
      call.add(device.back(), sig.results[i].shape);
    }
  // A buffer that could not be allocated has left its error.
  if (std::string e = cuda::synchronize(); !e.empty()) {
    for (void *d : device)
      cuda::freeDeviceBuffer(d);
    return e;
  }
  call.finish();
  entry(call.args.data());
  for (const TensorSlot &r : sig.results)
    if (r.inplaceArg)
      cuda::copyToHost(argData[*r.inplaceArg], device[*r.inplaceArg],
                       byteSize(r));
  for (size_t j = 0; j < outSlots.size(); ++j)
    cuda::copyToHost(outData[j], device[sig.args.size() + j],
                     byteSize(sig.results[outSlots[j]]));
  for (void *d : device)
    cuda::freeDeviceBuffer(d);
  return cuda::synchronize();
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
