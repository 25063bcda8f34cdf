//===- PrecisionPolicy.cpp - which precision each op and parameter uses ---===//

#include "lp/Transforms/PrecisionPolicy.h"

#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Error.h"

using namespace llvm;

std::optional<lp::Precision> lp::parsePrecision(StringRef text) {
  return StringSwitch<std::optional<Precision>>(text.trim())
      .Case("f32", Precision::F32)
      .Case("bf16", Precision::BF16)
      .Case("f16", Precision::F16)
      .Case("int8", Precision::Int8)
      .Case("int4", Precision::Int4)
      .Case("fp8e4m3", Precision::FP8E4M3)
      .Case("fp8e5m2", Precision::FP8E5M2)
      .Default(std::nullopt);
}

StringRef lp::stringifyPrecision(Precision p) {
  switch (p) {
  case Precision::F32:
    return "f32";
  case Precision::BF16:
    return "bf16";
  case Precision::F16:
    return "f16";
  case Precision::Int8:
    return "int8";
  case Precision::Int4:
    return "int4";
  case Precision::FP8E4M3:
    return "fp8e4m3";
  case Precision::FP8E5M2:
    return "fp8e5m2";
  }
  llvm_unreachable("unknown precision");
}

StringRef lp::precisionNames() {
  return "f32, bf16, f16, int8, int4, fp8e4m3 or fp8e5m2";
}

mlir::Type lp::floatTypeOf(Precision p, mlir::MLIRContext *context) {
  switch (p) {
  case Precision::F32:
    return mlir::Float32Type::get(context);
  case Precision::BF16:
    return mlir::BFloat16Type::get(context);
  case Precision::F16:
    return mlir::Float16Type::get(context);
  default:
    return {};
  }
}

std::string lp::whyNotFloat(Precision p) {
  switch (p) {
  case Precision::Int8:
  case Precision::Int4:
    return (stringifyPrecision(p) +
            " needs lp-fake-quant (integer quantization-aware training), "
            "which this build does not have yet")
        .str();
  case Precision::FP8E4M3:
  case Precision::FP8E5M2:
    return (stringifyPrecision(p) + " is not supported yet (FP8 training "
                                    "with per-tensor scales comes later)")
        .str();
  default:
    return "";
  }
}

/// Splits `text` at commas outside `{...}` (a glob's alternatives).
static std::vector<StringRef> splitOutsideBraces(StringRef text) {
  std::vector<StringRef> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{')
      ++depth;
    else if (text[i] == '}' && depth > 0)
      --depth;
    else if (text[i] == ',' && depth == 0) {
      parts.push_back(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push_back(text.substr(start));
  return parts;
}

std::string lp::PrecisionPolicy::parse(Precision global, StringRef overrides) {
  global_ = global;
  list.clear();
  if (overrides.trim().empty())
    return "";
  for (StringRef part : splitOutsideBraces(overrides)) {
    part = part.trim();
    std::string where = "precision override '" + part.str() + "': ";
    if (part.empty())
      return "empty precision override in '" + overrides.str() +
             "' (expected [layer:|param:]GLOB=VALUE[,...])";
    PrecisionOverride::Scope scope = PrecisionOverride::Scope::Layer;
    StringRef rest = part;
    if (rest.consume_front("param:"))
      scope = PrecisionOverride::Scope::Param;
    else
      rest.consume_front("layer:");
    size_t eq = rest.rfind('=');
    if (eq == StringRef::npos)
      return where + "expected [layer:|param:]GLOB=VALUE";
    StringRef pattern = rest.take_front(eq).trim();
    StringRef value = rest.drop_front(eq + 1).trim();
    if (pattern.empty())
      return where + "the pattern is empty";
    std::optional<Precision> p = parsePrecision(value);
    if (!p)
      return where + "unknown precision '" + value.str() + "' (expected " +
             precisionNames().str() + ")";
    Expected<GlobPattern> glob = GlobPattern::create(pattern, 64);
    if (!glob)
      return where + "bad pattern: " + toString(glob.takeError());
    list.push_back({scope, part.str(), std::move(*glob), *p});
  }
  return "";
}

lp::Precision lp::PrecisionPolicy::forLayer(StringRef layer) {
  return layerOverride(layer).value_or(global_);
}

std::optional<lp::Precision>
lp::PrecisionPolicy::layerOverride(StringRef layer) {
  std::optional<Precision> p;
  if (layer.empty())
    return p;
  for (PrecisionOverride &o : list)
    if (o.scope == PrecisionOverride::Scope::Layer && o.glob.match(layer)) {
      o.matched = true;
      p = o.value;
    }
  return p;
}

void lp::PrecisionPolicy::treatIntegerAsF32() {
  auto widen = [](Precision p) {
    return p == Precision::Int8 || p == Precision::Int4 ? Precision::F32 : p;
  };
  global_ = widen(global_);
  for (PrecisionOverride &o : list)
    o.value = widen(o.value);
}

std::optional<lp::Precision> lp::PrecisionPolicy::forParam(StringRef name) {
  std::optional<Precision> p;
  for (PrecisionOverride &o : list)
    if (o.scope == PrecisionOverride::Scope::Param && o.glob.match(name)) {
      o.matched = true;
      p = o.value;
    }
  return p;
}

const lp::PrecisionOverride *lp::PrecisionPolicy::firstUnmatched() const {
  for (const PrecisionOverride &o : list)
    if (!o.matched)
      return &o;
  return nullptr;
}
