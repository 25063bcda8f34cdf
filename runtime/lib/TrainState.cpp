//===- TrainState.cpp - the trainer's parameters and state on disk --------===//

#include "TrainState.h"
#include "lp/Dialect/LP/IR/AbiNames.h"
#include "lp/Runtime/Initializers.h"

#include <algorithm>
#include <vector>

using namespace lp;
using namespace lp::rt;
using namespace lp::rt::detail;

std::string lp::rt::detail::checkpointName(const std::string &file, int64_t s) {
  std::string name = file;
  for (size_t at = name.find("{step}"); at != std::string::npos;
       at = name.find("{step}", at))
    name.replace(at, 6, std::to_string(s));
  return name;
}

std::string lp::rt::detail::loadState(const Signature &sig,
                                      const TrainOptions &opts,
                                      ArrayMap &state) {
  ArrayMap loaded;
  const std::string &file =
      !opts.resumeFile.empty() ? opts.resumeFile : opts.paramsFile;
  if (!file.empty()) {
    std::string e = npy::readNpz(file, loaded);
    if (!e.empty())
      return e;
  }
  // Initial values that do not give every trained parameter (a teacher's
  // weights for a distillation model's read-only state) are not a
  // checkpoint of this step: its step count and optimizer state start
  // afresh.
  bool everyParam = std::all_of(
      sig.args.begin(), sig.args.end(), [&](const TensorSlot &s) {
        return s.role != Role::Param || loaded.count(s.name);
      });
  for (const TensorSlot &slot : sig.args) {
    if (!slot.isState())
      continue;
    auto it = loaded.find(slot.name);
    bool stepState = lp::isReservedName(slot.name) ||
                     lp::stateOwner(slot.name).has_value();
    if (opts.resumeFile.empty() && !everyParam && stepState)
      it = loaded.end();
    if (it != loaded.end())
      state[slot.name] = std::move(it->second);
    else if (!opts.resumeFile.empty())
      return opts.resumeFile + ": checkpoint has no '" + slot.name + "'";
    else
      state[slot.name] = initializeParam(slot, opts.seed);
    std::string e = checkArgument(slot, state[slot.name]);
    if (!e.empty())
      return file + ": " + e;
  }
  // A checkpoint holds exactly the step's parameters and state (an array
  // the step does not have means another model or configuration); initial
  // parameters may carry another configuration's state, unused
  // (checkArrayNames).
  if (opts.resumeFile.empty()) {
    std::vector<std::string> names;
    for (const auto &entry : loaded)
      names.push_back(entry.first);
    return checkArrayNames(sig, names, file, /*state=*/true);
  }
  for (const auto &entry : loaded) {
    const std::string &name = entry.first;
    if (!std::any_of(
            sig.args.begin(), sig.args.end(),
            [&](const TensorSlot &s) { return s.isState() && s.name == name; }))
      return file + ": '" + name + "' is not a parameter or state of '" +
             sig.function +
             "' (a checkpoint of another model, or of this one trained "
             "with other options?)";
  }
  return "";
}

std::string lp::rt::detail::saveState(const Signature &sig,
                                      const ArrayMap &state,
                                      const std::string &file) {
  ArrayMap out;
  for (const TensorSlot &slot : sig.args)
    if (slot.isState())
      out[slot.name] = state.at(slot.name);
  std::string e = npy::writeNpz(file, out);
  return e;
}

std::string lp::rt::detail::writeParams(const Signature &sig,
                                        const ArrayMap &state,
                                        const std::string &dir,
                                        std::ostream &os) {
  if (std::string e = createDirectories(dir); !e.empty())
    return e;
  int64_t written = 0;
  for (const TensorSlot &slot : sig.args) {
    if (slot.role != Role::Param)
      continue;
    std::string e =
        npy::writeNpy(dir + "/" + slot.name + ".npy", state.at(slot.name));
    if (!e.empty())
      return e;
    ++written;
  }
  os << "wrote the " << written << " trained parameters to " << dir
     << "/<name>.npy\n";
  return "";
}
