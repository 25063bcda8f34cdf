//===- Signature.cpp - a compiled step's calling convention ---------------===//

#include "lp/Runtime/Signature.h"
#include "lp/Runtime/Json.h"
#include "lp/Runtime/Values.h"

#include <cmath>
#include <cstdio>
#include <unistd.h>

using namespace lp;
using namespace lp::rt;

namespace {
struct RoleName {
  Role role;
  const char *name;
};
constexpr RoleName kRoles[] = {{Role::Input, "input"},
                               {Role::Label, "label"},
                               {Role::Param, "param"},
                               {Role::State, "state"},
                               {Role::Loss, "loss"},
                               {Role::LossTotal, "loss_total"},
                               {Role::Logits, "logits"},
                               {Role::Output, "output"},
                               {Role::StepSkipped, "step_skipped"},
                               {Role::GradNorm, "grad_norm"}};

struct InitName {
  InitSpec::Kind kind;
  const char *name;
};
constexpr InitName kInits[] = {{InitSpec::Constant, "constant"},
                               {InitSpec::Normal, "normal"},
                               {InitSpec::Uniform, "uniform"},
                               {InitSpec::GlorotUniform, "glorot_uniform"},
                               {InitSpec::GlorotNormal, "glorot_normal"}};

constexpr npy::DType kDTypes[] = {
    npy::DType::F32,  npy::DType::F64, npy::DType::F16,
    npy::DType::BF16, npy::DType::I8,  npy::DType::I32,
    npy::DType::I64,  npy::DType::U8,  npy::DType::Bool};

/// An integer member; `what` names it in the message.
std::string readInt(const JsonValue &v, const std::string &what, int64_t &out) {
  if (v.kind != JsonValue::Number || v.number != std::floor(v.number) ||
      std::fabs(v.number) > 9007199254740992.0)
    return what + " must be an integer";
  out = int64_t(v.number);
  return "";
}

/// The integer member `key` of `object`, if present.
std::string readOptionalInt(const JsonValue &object, const std::string &key,
                            const std::string &at,
                            std::optional<int64_t> &out) {
  const JsonValue *v = object.get(key);
  if (!v)
    return "";
  int64_t n = 0;
  std::string e = readInt(*v, at + ": " + key, n);
  if (e.empty())
    out = n;
  return e;
}

std::string readSlot(const JsonValue &v, const std::string &where, bool isArg,
                     TensorSlot &slot) {
  if (v.kind != JsonValue::Object)
    return where + " must be an object";
  const JsonValue *name = v.get("name");
  if (!name || name->kind != JsonValue::String || name->string.empty())
    return where + " has no name";
  slot.name = name->string;
  std::string at = where + " '" + slot.name + "'";
  const JsonValue *role = v.get("role");
  if (!role || role->kind != JsonValue::String)
    return at + " has no role";
  bool found = false;
  for (const RoleName &r : kRoles)
    if (role->string == r.name) {
      slot.role = r.role;
      found = true;
    }
  if (!found || (isArg && int(slot.role) > int(Role::State)) ||
      (!isArg && int(slot.role) <= int(Role::Label)))
    return at + " has an unknown role '" + role->string + "'";
  const JsonValue *dtype = v.get("dtype");
  found = false;
  for (npy::DType d : kDTypes)
    if (dtype && dtype->kind == JsonValue::String &&
        dtype->string == npy::dtypeName(d)) {
      slot.dtype = d;
      found = true;
    }
  if (!found)
    return at + " has no supported dtype";
  const JsonValue *shape = v.get("shape");
  if (!shape || shape->kind != JsonValue::Array)
    return at + " has no shape";
  slot.shape.clear();
  for (const JsonValue &d : shape->array) {
    int64_t n;
    std::string e = readInt(d, at + ": a dimension", n);
    if (!e.empty())
      return e;
    if (n < 1)
      return at + ": a dimension is " + (n < 0 ? "negative" : "zero");
    slot.shape.push_back(n);
  }
  // The byte size in 64 bits, within the dialect's limit (2^40 bytes):
  // numElements() and every buffer size computed from it cannot wrap.
  uint64_t bytes = npy::dtypeSize(slot.dtype);
  for (int64_t d : slot.shape)
    if (__builtin_mul_overflow(bytes, uint64_t(d), &bytes) ||
        bytes > (uint64_t(1) << 40))
      return at + ": shape " + shapeText(slot.shape) +
             " is larger than 2^40 bytes";
  if (const JsonValue *init = v.get("init")) {
    const JsonValue *kind = init->get("kind");
    InitSpec spec;
    found = false;
    for (const InitName &i : kInits)
      if (kind && kind->kind == JsonValue::String && kind->string == i.name) {
        spec.kind = i.kind;
        found = true;
      }
    if (!found)
      return at + " has an unknown initializer";
    const JsonValue *a = init->get("a"), *b = init->get("b");
    spec.a = a && a->kind == JsonValue::Number ? a->number : 0.0;
    spec.b = b && b->kind == JsonValue::Number ? b->number : 0.0;
    slot.init = spec;
  }
  std::string e = readOptionalInt(v, "index_bound", at, slot.indexBound);
  if (e.empty())
    e = readOptionalInt(v, "inplace_arg", at, slot.inplaceArg);
  return e;
}
} // namespace

std::string lp::rt::shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

const char *lp::rt::roleName(Role role) {
  for (const RoleName &r : kRoles)
    if (r.role == role)
      return r.name;
  return "?";
}

int64_t TensorSlot::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t Signature::resultIndex(const std::string &name) const {
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].name == name)
      return int64_t(i);
  return -1;
}

int64_t Signature::resultIndex(Role role) const {
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i].role == role)
      return int64_t(i);
  return -1;
}

std::string lp::rt::parseSignature(const std::string &json, Signature &out) {
  JsonValue doc;
  std::string error;
  if (!parseJson(json, doc, error))
    return "signature: " + error;
  if (doc.kind != JsonValue::Object)
    return "signature: not a JSON object";
  const JsonValue *version = doc.get("lp_signature");
  if (!version || version->kind != JsonValue::Number)
    return "signature: no 'lp_signature' version";
  if (version->number != kSignatureVersion) {
    // Printed as the document wrote it: any double (1e99, NaN) converts.
    char number[32];
    std::snprintf(number, sizeof number, "%g", version->number);
    return std::string("signature: version ") + number +
           " (this runtime reads version " + std::to_string(kSignatureVersion) +
           ")";
  }
  Signature sig;
  const JsonValue *function = doc.get("function");
  const JsonValue *entry = doc.get("entry");
  if (!function || function->kind != JsonValue::String || !entry ||
      entry->kind != JsonValue::String)
    return "signature: no function or entry name";
  sig.function = function->string;
  sig.entry = entry->string;
  std::string where = "signature of '" + sig.function + "': ";
  for (const char *list : {"args", "results"}) {
    const JsonValue *slots = doc.get(list);
    if (!slots || slots->kind != JsonValue::Array)
      return where + "no '" + list + "' list";
    bool isArg = list[0] == 'a';
    for (size_t i = 0; i < slots->array.size(); ++i) {
      TensorSlot slot;
      std::string e = readSlot(slots->array[i],
                               where + (isArg ? "argument " : "result ") +
                                   std::to_string(i),
                               isArg, slot);
      if (!e.empty())
        return e;
      (isArg ? sig.args : sig.results).push_back(std::move(slot));
    }
  }
  if (const JsonValue *device = doc.get("device")) {
    if (device->kind != JsonValue::String ||
        (device->string != "cpu" && device->string != "cuda"))
      return where + "device must be \"cpu\" or \"cuda\"";
    sig.onCuda = device->string == "cuda";
  }
  if (const JsonValue *counter = doc.get("step_counter")) {
    int64_t n;
    std::string e = readInt(*counter, where + "step_counter", n);
    if (!e.empty())
      return e;
    if (n < 0 || n >= int64_t(sig.args.size()) ||
        sig.args[n].numElements() != 1)
      return where + "step_counter is not a scalar argument";
    sig.stepCounter = n;
  }
  for (size_t i = 0; i < sig.args.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (sig.args[i].name == sig.args[j].name)
        return where + "two arguments are named '" + sig.args[i].name + "'";
  for (const TensorSlot &r : sig.results) {
    if (!r.inplaceArg)
      continue;
    int64_t a = *r.inplaceArg;
    if (a < 0 || a >= int64_t(sig.args.size()) || sig.args[a].name != r.name ||
        sig.args[a].shape != r.shape || sig.args[a].dtype != r.dtype)
      return where + "result '" + r.name +
             "' is updated in place in an argument of another name or type";
  }
  out = std::move(sig);
  return "";
}

std::pair<int64_t, int64_t>
lp::rt::computeFans(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return {1, 1};
  if (shape.size() == 1)
    return {shape[0], shape[0]};
  if (shape.size() == 2)
    return {shape[0], shape[1]};
  int64_t receptive = 1;
  for (size_t i = 2; i < shape.size(); ++i)
    receptive *= shape[i];
  return {shape[1] * receptive, shape[0] * receptive};
}

std::string lp::rt::checkArgument(const TensorSlot &slot, const npy::Array &a) {
  return checkArgument(slot, a.dtype, a.shape, a.data.data(), "argument");
}

std::string lp::rt::checkArgument(const TensorSlot &slot, npy::DType dtype,
                                  const std::vector<int64_t> &shape,
                                  const void *data, const std::string &what) {
  std::string name = what + " '" + slot.name + "'";
  if (dtype != slot.dtype)
    return name + ": dtype " + npy::dtypeName(dtype) +
           " does not match the model's " + npy::dtypeName(slot.dtype);
  if (shape != slot.shape)
    return name + ": shape " + shapeText(shape) +
           " does not match the model's " + shapeText(slot.shape);
  return checkIndexBound(slot, dtype, data, slot.numElements(), name);
}

std::string lp::rt::checkFitsInMemory(const Signature &sig) {
  uint64_t total = 0;
  for (const auto *slots : {&sig.args, &sig.results})
    for (const TensorSlot &slot : *slots)
      total += uint64_t(slot.numElements()) * npy::dtypeSize(slot.dtype);
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  if (pages <= 0 || pageSize <= 0)
    return "";
  uint64_t physical = uint64_t(pages) * uint64_t(pageSize);
  if (total <= physical)
    return "";
  return "'" + sig.function + "' needs " + std::to_string(total) +
         " bytes for its arguments and results alone; this machine has " +
         std::to_string(physical) + " bytes of memory";
}
