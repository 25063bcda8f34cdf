//===- ModelAttrs.cpp - roles and initialisers of model arguments ---------===//

#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"

#include <cmath>

using namespace lp;

std::optional<ArgRole> lp::parseArgRole(llvm::StringRef text) {
  return llvm::StringSwitch<std::optional<ArgRole>>(text)
      .Case("input", ArgRole::Input)
      .Case("label", ArgRole::Label)
      .Case("param", ArgRole::Param)
      .Case("state", ArgRole::State)
      .Default(std::nullopt);
}

llvm::StringRef lp::stringifyArgRole(ArgRole role) {
  switch (role) {
  case ArgRole::Input:
    return "input";
  case ArgRole::Label:
    return "label";
  case ArgRole::Param:
    return "param";
  case ArgRole::State:
    return "state";
  }
  return "";
}

/// Splits "name(a, b)" into name and numeric arguments.
static bool splitCall(llvm::StringRef text, llvm::StringRef &name,
                      llvm::SmallVectorImpl<double> &args, std::string &error) {
  text = text.trim();
  size_t open = text.find('(');
  if (open == llvm::StringRef::npos) {
    name = text;
    return true;
  }
  if (!text.ends_with(")")) {
    error = "missing ')'";
    return false;
  }
  name = text.take_front(open).trim();
  llvm::StringRef inner = text.drop_front(open + 1).drop_back();
  llvm::SmallVector<llvm::StringRef> parts;
  inner.split(parts, ',');
  for (llvm::StringRef part : parts) {
    double value;
    if (part.trim().empty()) {
      error = "empty argument list; write '" + name.str() + "' without '()'";
      if (parts.size() > 1 || !inner.trim().empty())
        error = "empty argument";
      return false;
    }
    if (part.trim().getAsDouble(value)) {
      error = (llvm::Twine("'") + part.trim() + "' is not a number").str();
      return false;
    }
    if (!std::isfinite(value)) {
      error = (llvm::Twine("'") + part.trim() + "' is not finite").str();
      return false;
    }
    args.push_back(value);
  }
  return true;
}

std::optional<InitSpec> lp::parseInitSpec(llvm::StringRef text,
                                          std::string &error) {
  llvm::StringRef name;
  llvm::SmallVector<double> args;
  if (!splitCall(text, name, args, error))
    return std::nullopt;
  auto expectArgs = [&](size_t lo, size_t hi) {
    if (args.size() >= lo && args.size() <= hi)
      return true;
    std::string range = std::to_string(lo);
    if (lo != hi)
      range += " to " + std::to_string(hi);
    error = (llvm::Twine("'") + name + "' takes " + range +
             " argument(s), got " + llvm::Twine(args.size()))
                .str();
    return false;
  };
  InitSpec spec{InitSpec::Constant};
  if (name == "zeros" || name == "ones") {
    if (!expectArgs(0, 0))
      return std::nullopt;
    spec.a = name == "ones" ? 1.0 : 0.0;
  } else if (name == "constant") {
    if (!expectArgs(1, 1))
      return std::nullopt;
    spec.a = args[0];
  } else if (name == "normal") {
    if (!expectArgs(1, 2))
      return std::nullopt;
    spec.kind = InitSpec::Normal;
    spec.a = args.size() == 2 ? args[0] : 0.0;
    spec.b = args.back();
    if (!(spec.b >= 0.0)) {
      error = "normal std must be non-negative";
      return std::nullopt;
    }
  } else if (name == "uniform") {
    if (!expectArgs(2, 2))
      return std::nullopt;
    spec.kind = InitSpec::Uniform;
    spec.a = args[0];
    spec.b = args[1];
    if (!(spec.a <= spec.b)) {
      error = "uniform needs low <= high";
      return std::nullopt;
    }
  } else if (name == "glorot_uniform" || name == "glorot_normal") {
    if (!expectArgs(0, 0))
      return std::nullopt;
    spec.kind = name == "glorot_uniform" ? InitSpec::GlorotUniform
                                         : InitSpec::GlorotNormal;
  } else {
    error = (llvm::Twine("unknown initializer '") + name +
             "' (expected zeros, ones, constant(v), normal(std), "
             "normal(mean, std), uniform(lo, hi), glorot_uniform or "
             "glorot_normal)")
                .str();
    return std::nullopt;
  }
  return spec;
}
