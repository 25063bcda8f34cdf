//===- ModelAttrs.h - roles, names and initialisers of model arguments ----===//
//
// A model is a func.func whose arguments carry `lp.role`, `lp.name` and, for
// parameters, `lp.init`; see docs/ModelFormat.md. This header is the one place
// that spells those attribute names and parses initialiser specs.
//
//===----------------------------------------------------------------------===//

#ifndef LP_DIALECT_LP_IR_MODELATTRS_H
#define LP_DIALECT_LP_IR_MODELATTRS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"
#include <optional>
#include <string>

namespace lp {

constexpr llvm::StringLiteral kRoleAttr = "lp.role";
constexpr llvm::StringLiteral kNameAttr = "lp.name";
constexpr llvm::StringLiteral kInitAttr = "lp.init";
constexpr llvm::StringLiteral kLayerAttr = "lp.layer";
/// On an op: the precision it computes in ("f32", "bf16", ...), beating
/// every override of lp-autocast (include/lp/Transforms/PrecisionPolicy.h).
constexpr llvm::StringLiteral kPrecisionAttr = "lp.precision";
/// On a function lp-outline-blocks made: the template of the block it
/// runs, e.g. "blkN".
constexpr llvm::StringLiteral kBlockAttr = "lp.block";
constexpr llvm::StringLiteral kLossWeightsAttr = "lp.loss_weights";
/// On a lowered function: per original result, the argument updated in
/// place that now holds it, or -1 (set by lp-drop-inplace-results).
constexpr llvm::StringLiteral kInplaceResultsAttr = "lp.inplace_results";
/// On a public function: its calling convention as a JSON document
/// (lp-record-signature; include/lp/Transforms/Signature.h).
constexpr llvm::StringLiteral kSignatureAttr = "lp.signature";
/// On a linalg.generic marked `library_call = "lp_conv2d..."`: the
/// convolution's stride and padding, [sh, sw, ph, pw]
/// (convert-lp-to-linalg conv-library; lp-convs-to-library reads it).
constexpr llvm::StringLiteral kConvAttr = "lp.conv";
/// On an lp.cast the backward pass recomputes instead of keeping the
/// forward's result (RematerializeCasts.cpp), and on its linalg.generic:
/// a unit attribute that keeps CSE from merging it back into the forward
/// cast.
constexpr llvm::StringLiteral kRematAttr = "lp.remat";
/// The symbols a compiled function is found by (lp-emit-entry-points):
/// its signature document and its packed entry point.
inline std::string signatureSymbol(llvm::StringRef fn) {
  return ("lp_signature_" + fn).str();
}
inline std::string entryPointSymbol(llvm::StringRef fn) {
  return ("lp_entry_" + fn).str();
}

/// input/label: batch data; param: trained weights; state: optimizer
/// state and counters that a train step threads through.
enum class ArgRole { Input, Label, Param, State };

/// Parses "input" / "label" / "param" / "state".
std::optional<ArgRole> parseArgRole(llvm::StringRef text);
llvm::StringRef stringifyArgRole(ArgRole role);

/// A parameter initialiser: `zeros`, `ones`, `constant(v)`, `normal(std)`,
/// `normal(mean, std)`, `uniform(lo, hi)`, `glorot_uniform`, `glorot_normal`.
struct InitSpec {
  enum Kind { Constant, Normal, Uniform, GlorotUniform, GlorotNormal } kind;
  double a = 0.0; ///< constant value, normal mean, uniform low
  double b = 0.0; ///< normal std, uniform high
};

/// Parses an initialiser spec; on failure returns std::nullopt and sets
/// `error` to a message naming what is wrong.
std::optional<InitSpec> parseInitSpec(llvm::StringRef text, std::string &error);

} // namespace lp

#endif // LP_DIALECT_LP_IR_MODELATTRS_H
