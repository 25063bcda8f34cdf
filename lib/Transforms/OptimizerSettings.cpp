//===- OptimizerSettings.cpp - per-parameter optimizer settings -----------===//

#include "lp/Transforms/OptimizerSettings.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/GlobPattern.h"

using namespace llvm;

namespace {

/// Sets `key` of `s` to `value`: an empty string or a message.
std::string applySetting(lp::OptimizerSettings &s, StringRef key,
                         StringRef value) {
  if (key == "nesterov" || key == "amsgrad") {
    bool &flag = key == "nesterov" ? s.nesterov : s.amsgrad;
    if (value != "true" && value != "false")
      return "'" + key.str() + "' takes true or false, got '" + value.str() +
             "'";
    flag = value == "true";
    return "";
  }
  double *field = StringSwitch<double *>(key)
                      .Case("lr", &s.lr)
                      .Case("momentum", &s.momentum)
                      .Case("dampening", &s.dampening)
                      .Case("weight-decay", &s.weightDecay)
                      .Case("beta1", &s.beta1)
                      .Case("beta2", &s.beta2)
                      .Case("eps", &s.eps)
                      .Default(nullptr);
  if (!field)
    return "unknown setting '" + key.str() +
           "' (expected lr, momentum, dampening, weight-decay, beta1, "
           "beta2, eps, nesterov or amsgrad)";
  if (value.trim().getAsDouble(*field))
    return "'" + key.str() + "' takes a number, got '" + value.str() + "'";
  return "";
}

} // namespace

std::string lp::parseParamGroups(StringRef spec,
                                 std::vector<ParamGroup> &groups) {
  SmallVector<StringRef> parts;
  spec.split(parts, ';', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    auto [pattern, rest] = part.split(':');
    pattern = pattern.trim();
    std::string where = "parameter group '" + part.str() + "': ";
    if (pattern.empty() || rest.trim().empty())
      return where + "expected GLOB:KEY=VALUE[,KEY=VALUE...]";
    if (Expected<GlobPattern> glob = GlobPattern::create(pattern, 64); !glob)
      return where + "bad pattern: " + toString(glob.takeError());
    ParamGroup group;
    group.pattern = pattern.str();
    SmallVector<StringRef> settings;
    rest.split(settings, ',');
    OptimizerSettings scratch;
    for (StringRef setting : settings) {
      auto [key, value] = setting.split('=');
      key = key.trim();
      value = value.trim();
      if (std::string e = applySetting(scratch, key, value); !e.empty())
        return where + e;
      group.settings.emplace_back(key.str(), value.str());
    }
    groups.push_back(std::move(group));
  }
  return "";
}

bool lp::matches(const ParamGroup &group, StringRef name) {
  Expected<GlobPattern> glob = GlobPattern::create(group.pattern, 64);
  if (!glob) { // checked when parsed
    consumeError(glob.takeError());
    return false;
  }
  return glob->match(name);
}

lp::OptimizerSettings lp::settingsFor(StringRef name,
                                      const OptimizerSettings &base,
                                      const std::vector<ParamGroup> &groups) {
  OptimizerSettings s = base;
  for (const ParamGroup &group : groups)
    if (matches(group, name))
      for (const auto &[key, value] : group.settings)
        (void)applySetting(s, key, value); // checked when parsed
  return s;
}

std::string lp::checkSettings(const OptimizerSettings &s, StringRef optimizer) {
  if (optimizer != "sgd" && optimizer != "adam" && optimizer != "adamw")
    return "unknown optimizer '" + optimizer.str() +
           "' (expected sgd, adam or adamw)";
  if (!(s.lr > 0.0))
    return formatv("lr must be positive, got {0}", s.lr).str();
  if (!(s.momentum >= 0.0) || !(s.weightDecay >= 0.0) || !(s.eps >= 0.0))
    return "momentum, weight-decay and eps must be non-negative";
  if (!(s.dampening >= 0.0 && s.dampening <= 1.0))
    return "dampening must be in [0, 1]";
  if (!(s.beta1 >= 0.0 && s.beta1 < 1.0 && s.beta2 >= 0.0 && s.beta2 < 1.0))
    return "beta1 and beta2 must be in [0, 1)";
  if (optimizer == "sgd") {
    if (s.nesterov && (s.momentum == 0.0 || s.dampening != 0.0))
      return "nesterov needs a momentum and zero dampening (as PyTorch)";
    if (s.amsgrad)
      return "amsgrad is an option of adam and adamw, not sgd";
  } else if (s.nesterov || s.dampening != 0.0 || s.momentum != 0.0) {
    return "momentum, dampening and nesterov are options of sgd, not " +
           optimizer.str();
  }
  return "";
}
