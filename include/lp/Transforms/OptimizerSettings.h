//===- OptimizerSettings.h - per-parameter optimizer settings ---*- C++ -*-===//
//
// The hyperparameters of one parameter's update and PyTorch-style parameter
// groups that override them by parameter name:
//
//   GROUP[;GROUP...]   GROUP = GLOB:KEY=VALUE[,KEY=VALUE...]
//
// GLOB is an llvm::GlobPattern over parameter names (`*`, `?`, `[..]`,
// `{a,b}`); KEY is lr, momentum, dampening, weight-decay, beta1, beta2,
// eps (numbers) or nesterov, amsgrad (true/false). The groups apply in
// order and the last match wins; a group that matches no parameter is an
// error (so a typo is not silently ignored). Example: no weight decay on
// biases and norm parameters, a smaller rate for the embedding:
//
//   {*.b,*.gamma}:weight-decay=0;tok_emb.*:lr=0.001
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_OPTIMIZERSETTINGS_H
#define LP_TRANSFORMS_OPTIMIZERSETTINGS_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <utility>
#include <vector>

namespace lp {

/// One parameter's optimizer hyperparameters (PyTorch's names and
/// defaults where LP has no other).
struct OptimizerSettings {
  double lr = 0.01;
  double momentum = 0.0;
  double dampening = 0.0;
  double weightDecay = 0.0;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  bool nesterov = false;
  bool amsgrad = false;
};

/// A parameter group: a glob over parameter names and its overrides.
struct ParamGroup {
  std::string pattern;
  std::vector<std::pair<std::string, std::string>> settings;
};

/// Parses `spec` (see above) into `groups`; an empty string or a message.
std::string parseParamGroups(llvm::StringRef spec,
                             std::vector<ParamGroup> &groups);

/// Whether `group`'s pattern matches parameter `name`.
bool matches(const ParamGroup &group, llvm::StringRef name);

/// `base` with every matching group's settings applied in order.
OptimizerSettings settingsFor(llvm::StringRef name,
                              const OptimizerSettings &base,
                              const std::vector<ParamGroup> &groups);

/// Checks `s` for `optimizer` (sgd, adam, adamw): an empty string or a
/// message (PyTorch's constraints: lr > 0, momentum, weight decay, eps >=
/// 0, dampening in [0, 1], betas in [0, 1), nesterov with momentum and no
/// dampening, amsgrad for Adam only).
std::string checkSettings(const OptimizerSettings &s,
                          llvm::StringRef optimizer);

} // namespace lp

#endif // LP_TRANSFORMS_OPTIMIZERSETTINGS_H
