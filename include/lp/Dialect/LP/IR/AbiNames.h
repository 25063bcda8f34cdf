//===- AbiNames.h - names a train step binds by -----------------*- C++ -*-===//
//
// The arguments and results of the functions lp-build-train-step and
// lp-differentiate emit are bound by name (`lp.name`): a runner feeds
// `step`, reads `loss.total` and `logits`, and threads `<p>.adam.m` from one
// step to the next. This header spells each of those names once and says
// which names a model may therefore not use (docs/Training.md, "Reserved
// names"). It needs only the C++ standard library, so that code without
// LLVM or MLIR (the runtime) can include it.
//
//===----------------------------------------------------------------------===//

#ifndef LP_DIALECT_LP_IR_ABINAMES_H
#define LP_DIALECT_LP_IR_ABINAMES_H

#include <optional>
#include <string>
#include <string_view>

namespace lp {

/// Names of whole arguments and results of a train step or eval function.
inline constexpr std::string_view kStepName = "step";
inline constexpr std::string_view kStepSkippedName = "step.skipped";
inline constexpr std::string_view kLossTotal = "loss.total";
inline constexpr std::string_view kLogits = "logits";
/// Adam's count of applied updates (a skipped step does not advance it).
inline constexpr std::string_view kAdamCount = "adam.t";
/// SGD's count of applied updates, present with dampening (the first
/// update copies the gradient into the momentum buffer).
inline constexpr std::string_view kSgdCount = "sgd.t";
inline constexpr std::string_view kLossScale = "loss_scale";
inline constexpr std::string_view kLossScaleGrowth = "loss_scale.growth";
inline constexpr std::string_view kFoundInf = "found_inf";
inline constexpr std::string_view kGradNorm = "grad_norm";

/// Every whole name above: no model argument or result may use one.
inline constexpr std::string_view kReservedNames[] = {
    kStepName, kStepSkippedName, kLossTotal,       kLogits,   kAdamCount,
    kSgdCount, kLossScale,       kLossScaleGrowth, kFoundInf, kGradNorm};

/// With several lp.cross_entropy heads, the eval function returns each
/// head's logits as `logits.<label>` (the label argument it is compared
/// with): names with this prefix are reserved too.
inline constexpr std::string_view kLogitsPrefix = "logits.";

/// The eval result of the head whose labels are argument `label`.
inline std::string headLogitsName(std::string_view label) {
  return std::string(kLogitsPrefix) + std::string(label);
}

/// Kinds of per-parameter values, named `<param>.<kind>` (see stateName).
inline constexpr std::string_view kSgdMomentum = "sgd.momentum";
inline constexpr std::string_view kAdamM = "adam.m";
inline constexpr std::string_view kAdamV = "adam.v";
/// AMSGrad's running maximum of `adam.v`.
inline constexpr std::string_view kAdamVMax = "adam.v_max";
inline constexpr std::string_view kGrad = "grad";
inline constexpr std::string_view kObserverMin = "observer.min";
inline constexpr std::string_view kObserverMax = "observer.max";
inline constexpr std::string_view kMask = "mask";

/// Every kind above: `<p>.<kind>` is reserved for each parameter `p`.
inline constexpr std::string_view kReservedKinds[] = {
    kSgdMomentum, kAdamM,       kAdamV,       kAdamVMax,
    kGrad,        kObserverMin, kObserverMax, kMask};

/// The name of the `kind` value of parameter `param`, e.g.
/// stateName("fc1.w", kAdamM) == "fc1.w.adam.m".
inline std::string stateName(std::string_view param, std::string_view kind) {
  std::string name(param);
  name += '.';
  name += kind;
  return name;
}

/// The name of argument `i` without `lp.name`: "arg<i>".
inline std::string defaultArgName(unsigned i) {
  return "arg" + std::to_string(i);
}

/// The name of result `i` without `lp.name`: "result<i>".
inline std::string defaultResultName(unsigned i) {
  return "result" + std::to_string(i);
}

/// Whether `name` is one of `names` (default kReservedNames).
template <typename Names>
bool isReservedName(std::string_view name, const Names &names) {
  for (std::string_view reserved : names)
    if (name == reserved)
      return true;
  return false;
}
inline bool isReservedName(std::string_view name) {
  return isReservedName(name, kReservedNames);
}

/// If `name` is `<p>.<kind>` for one of `kinds` (default kReservedKinds),
/// returns `<p>` (the parameter it would belong to); otherwise
/// std::nullopt.
template <typename Kinds>
std::optional<std::string_view> stateOwner(std::string_view name,
                                           const Kinds &kinds) {
  for (std::string_view kind : kinds) {
    if (name.size() <= kind.size() + 1)
      continue;
    size_t dot = name.size() - kind.size() - 1;
    if (name[dot] == '.' && name.substr(dot + 1) == kind)
      return name.substr(0, dot);
  }
  return std::nullopt;
}
inline std::optional<std::string_view> stateOwner(std::string_view name) {
  return stateOwner(name, kReservedKinds);
}

} // namespace lp

#endif // LP_DIALECT_LP_IR_ABINAMES_H
