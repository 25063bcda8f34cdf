//===- RunOnce.cpp - call a compiled function once on named data ----------===//

#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Runtime/Initializers.h"
#include "lp/Runtime/Trainer.h"
#include "lp/Runtime/Values.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sys/stat.h>

using namespace lp;
using namespace lp::rt;

static std::vector<std::string>
keysOf(const std::map<std::string, npy::Array> &arrays) {
  std::vector<std::string> keys;
  for (const auto &entry : arrays)
    keys.push_back(entry.first);
  return keys;
}

std::string lp::rt::checkArrayNames(const Signature &sig,
                                    const std::vector<std::string> &names,
                                    const std::string &source, bool state,
                                    bool eitherKind) {
  std::string wanted;
  for (const TensorSlot &slot : sig.args)
    if (slot.isState() == state)
      wanted += (wanted.empty() ? "'" : ", '") + slot.name + "'";
  if (wanted.empty())
    wanted = "none";
  for (const std::string &name : names) {
    const TensorSlot *slot = nullptr;
    for (const TensorSlot &s : sig.args)
      if (s.name == name)
        slot = &s;
    if (slot && (eitherKind || slot->isState() == state))
      continue;
    // Parameters may come from a checkpoint: the state of its step counter
    // and optimizer (`step`, `adam.t`, `<param>.adam.m`) is not used here,
    // nor is that of a parameter read here as state (a teacher's weights).
    if (!slot && state) {
      std::optional<std::string_view> owner = lp::stateOwner(name);
      bool ownerIsParam = owner && std::any_of(sig.args.begin(), sig.args.end(),
                                               [&](const TensorSlot &s) {
                                                 return s.isState() &&
                                                        s.name == *owner;
                                               });
      if (lp::isReservedName(name) || ownerIsParam)
        continue;
    }
    std::string kind = state ? "a parameter or state" : "an input or label";
    if (!slot)
      return source + ": '" + name + "' is not " + kind + " of '" +
             sig.function + "' (" + (state ? "they" : "its inputs and labels") +
             " are " + wanted + ")";
    return source + ": '" + name + "' is " + (state ? "an " : "a ") +
           roleName(slot->role) + " of '" + sig.function + "', not " + kind +
           (state ? " (inputs and labels are given with --data or --input)"
                  : " (parameters are given with --params)");
  }
  return "";
}

std::string lp::rt::bindArguments(const Signature &sig, const RunOptions &opts,
                                  std::vector<npy::Array> &args) {
  std::map<std::string, npy::Array> data, params;
  if (!opts.dataFile.empty()) {
    std::string e = npy::readNpz(opts.dataFile, data);
    if (!e.empty())
      return e;
  }
  // One file may give both (--data F --params F): each array is then an
  // argument of either kind.
  std::error_code ec;
  bool oneFile =
      !opts.dataFile.empty() && !opts.paramsFile.empty() &&
      (opts.dataFile == opts.paramsFile ||
       std::filesystem::equivalent(opts.dataFile, opts.paramsFile, ec));
  if (std::string e = checkArrayNames(sig, keysOf(data), opts.dataFile,
                                      /*state=*/false, oneFile);
      !e.empty())
    return e;
  for (const auto &[name, file] : opts.inputFiles) {
    if (std::string e =
            checkArrayNames(sig, {name}, "--input " + name + "=" + file,
                            /*state=*/false);
        !e.empty())
      return e;
    // (--input wins over an array of the same name in --data.)
    npy::Array a;
    std::string e = npy::readNpy(file, a);
    if (!e.empty())
      return e;
    data[name] = std::move(a);
  }
  if (!opts.paramsFile.empty()) {
    std::string e = npy::readNpz(opts.paramsFile, params);
    if (!e.empty())
      return e;
    if (e = checkArrayNames(sig, keysOf(params), opts.paramsFile,
                            /*state=*/true, oneFile);
        !e.empty())
      return e;
  }
  args.clear();
  for (const TensorSlot &slot : sig.args) {
    auto &source = slot.isState() ? params : data;
    if (auto it = source.find(slot.name); it != source.end())
      args.push_back(std::move(it->second));
    else if (slot.isState())
      args.push_back(initializeParam(slot, opts.seed));
    else if (opts.randomInputs)
      args.push_back(randomInput(slot, opts.seed));
    else
      return "missing " + std::string(roleName(slot.role)) + " '" + slot.name +
             "': bind it with --data or --input, or pass --random-inputs";
    std::string e = checkArgument(slot, args.back());
    if (!e.empty())
      return e;
  }
  return "";
}

/// "name: dtype[shape] mean=.. min=.. max=..", or "name: dtype = v".
static std::string summarize(const TensorSlot &slot, const npy::Array &a) {
  std::string text = slot.name + ": " + npy::dtypeName(a.dtype);
  int64_t n = a.numElements();
  char buf[160];
  if (a.shape.empty()) {
    snprintf(buf, sizeof buf, " = %.6g", elementAsDouble(a, 0));
    return text + buf;
  }
  text += "[";
  for (size_t i = 0; i < a.shape.size(); ++i)
    text += (i ? "x" : "") + std::to_string(a.shape[i]);
  text += "]";
  if (n == 0)
    return text;
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < n; ++i) {
    double v = elementAsDouble(a, i);
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  snprintf(buf, sizeof buf, " mean=%.6g min=%.6g max=%.6g", sum / n, lo, hi);
  return text + buf;
}

std::string lp::rt::createDirectories(const std::string &dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/')
      continue;
    std::string prefix = dir.substr(0, i);
    if (mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST)
      return "cannot create '" + dir + "': " + std::strerror(errno);
  }
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
    return "cannot create '" + dir + "': not a directory";
  return "";
}

std::string
lp::rt::checkOutputNames(const std::vector<const TensorSlot *> &slots,
                         const std::string &dir) {
  for (const TensorSlot *slot : slots) {
    const std::string &n = slot->name;
    const char *why = n.empty()                           ? "is empty"
                      : n.find('/') != std::string::npos  ? "contains '/'"
                      : n.find('\\') != std::string::npos ? "contains '\\'"
                      : n.find('\0') != std::string::npos ? "contains NUL"
                                                          : nullptr;
    if (why)
      return "'" + n + "' cannot be written to --output-dir '" + dir +
             "': as a file name it " + why + " (rename it with lp.name)";
  }
  return "";
}

std::string lp::rt::runOnce(const Step &fn, std::vector<npy::Array> &args,
                            const RunOptions &opts, std::ostream &os) {
  const Signature &signature = fn.signature();
  if (!opts.outputDir.empty()) {
    std::vector<const TensorSlot *> written;
    for (const TensorSlot &slot : signature.results)
      written.push_back(&slot);
    if (std::string e = checkOutputNames(written, opts.outputDir); !e.empty())
      return e;
  }
  std::vector<npy::Array *> argPtrs;
  for (npy::Array &a : args)
    argPtrs.push_back(&a);
  std::vector<npy::Array> results;
  std::string e = fn.run(argPtrs, results);
  if (!e.empty())
    return e;
  if (!opts.outputDir.empty()) {
    e = createDirectories(opts.outputDir);
    if (!e.empty())
      return e;
  }
  const Signature &sig = fn.signature();
  for (size_t i = 0; i < results.size(); ++i) {
    const TensorSlot &slot = sig.results[i];
    // A result updated in place is the argument's new value.
    const npy::Array &value =
        slot.inplaceArg ? args[*slot.inplaceArg] : results[i];
    os << summarize(slot, value) << "\n";
    if (opts.outputDir.empty())
      continue;
    e = npy::writeNpy(opts.outputDir + "/" + slot.name + ".npy", value);
    if (!e.empty())
      return e;
  }
  return "";
}
