//===- Signature.h - the calling convention as data -------------*- C++ -*-===//
//
// A compiled function carries its calling convention as a JSON document
// (version 1, docs/Architecture.md "The calling convention"): per argument
// and result its name, role, dtype and shape, the parameter initialisers,
// the index bound of labels and indices, the results updated in place, and
// which argument counts steps. lp-record-signature writes the part the
// model knows into the `lp.signature` attribute of each public function;
// lp-emit-entry-points completes it after lowering and emits it as the
// symbol `lp_signature_<fn>`, which the runtime reads without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_SIGNATURE_H
#define LP_TRANSFORMS_SIGNATURE_H

#include "lp/Dialect/LP/IR/ModelAttrs.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/JSON.h"

namespace lp {

/// The version of the signature document this compiler writes.
constexpr int kSignatureVersion = 1;

/// The numpy name of an element type the runtime binds ("float32",
/// "bfloat16", "int64", "bool", ...), or an empty string.
llvm::StringRef dtypeName(mlir::Type elementType);

/// The signature document of `fn` (without its entry point). Fails, with a
/// located error when `emitErrors`, when an argument or result is not a
/// statically shaped tensor of a supported element type, or two arguments
/// share a name.
mlir::FailureOr<llvm::json::Object> describeFunction(mlir::func::FuncOp fn,
                                                     bool emitErrors = true);

} // namespace lp

#endif // LP_TRANSFORMS_SIGNATURE_H
