//===- PrecisionPolicy.h - which precision each op and parameter uses -*- C++
//-*-===//
//
// The one parser of LP's precision choices, shared by every precision pass
// (lp-autocast now; fake quantization and FP8 later), lp-run and the
// precision report:
//
//   OVERRIDE[,OVERRIDE...]   OVERRIDE = [layer:|param:]GLOB=VALUE
//
// `layer:` globs match the `lp.layer` of ops (the default scope),
// `param:` globs match parameter names (`lp.name`); GLOB is an
// llvm::GlobPattern (`*`, `?`, `[..]`, `{a,b}`; commas inside braces do
// not separate overrides). VALUE is one of f32 bf16 f16 int8 int4 fp8e4m3
// fp8e5m2. Overrides apply in order and the last match wins; an op's own
// `lp.precision` attribute beats a layer override, which beats the global
// type. A pattern that matches nothing is an error (reported by the pass
// that applies the policy), so that a typo is not silently ignored.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_PRECISIONPOLICY_H
#define LP_TRANSFORMS_PRECISIONPOLICY_H

#include "mlir/IR/Types.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/GlobPattern.h"

#include <optional>
#include <string>
#include <vector>

namespace lp {

/// A precision a layer, op or parameter may train at.
enum class Precision { F32, BF16, F16, Int8, Int4, FP8E4M3, FP8E5M2 };

/// Parses "f32", "bf16", ...; std::nullopt otherwise.
std::optional<Precision> parsePrecision(llvm::StringRef text);
llvm::StringRef stringifyPrecision(Precision p);
/// "f32 bf16 f16 int8 int4 fp8e4m3 fp8e5m2", for messages.
llvm::StringRef precisionNames();

/// The float element type of a float precision; null for int*/fp8*.
mlir::Type floatTypeOf(Precision p, mlir::MLIRContext *context);

/// Empty when `p` is a float precision lp-autocast can apply; otherwise
/// why not (int8/int4 need lp-fake-quant, fp8 is not supported yet).
std::string whyNotFloat(Precision p);

struct PrecisionOverride {
  enum class Scope { Layer, Param } scope;
  std::string text; ///< the override as written, for messages
  llvm::GlobPattern glob;
  Precision value;
  bool matched = false; ///< set while a pass applies the policy
};

/// A global precision and its overrides.
class PrecisionPolicy {
public:
  /// Parses `overrides` (see above) with `global` as the default; returns
  /// an empty string or a message naming the bad override.
  std::string parse(Precision global, llvm::StringRef overrides);

  Precision global() const { return global_; }
  /// The precision of ops in layer `layer` (empty: none): the last
  /// matching layer override, else the global one. Marks it matched.
  Precision forLayer(llvm::StringRef layer);
  /// The last layer override matching `layer`, if any. Marks it matched.
  std::optional<Precision> layerOverride(llvm::StringRef layer);
  /// int8 and int4 become f32: what lp-autocast computes the layers in
  /// that lp-fake-quant quantizes (fake quantization works in f32).
  void treatIntegerAsF32();
  /// The last matching parameter override of `name`, if any. Marks it
  /// matched.
  std::optional<Precision> forParam(llvm::StringRef name);
  /// The first override that matched nothing so far, or null.
  const PrecisionOverride *firstUnmatched() const;
  const std::vector<PrecisionOverride> &overrides() const { return list; }

private:
  Precision global_ = Precision::F32;
  std::vector<PrecisionOverride> list;
};

} // namespace lp

#endif // LP_TRANSFORMS_PRECISIONPOLICY_H
