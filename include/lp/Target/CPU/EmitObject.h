//===- EmitObject.h - a lowered step as an object file ----------*- C++ -*-===//
//
// Ahead-of-time steps: the LLVM dialect that lp-lower-to-llvm produces,
// optimised with the JIT's pipeline (OptimizeLLVM.h) for a chosen CPU and
// emitted as a position-independent object file, which `cc -shared` links
// into a shared object that lp-exec (the runtime alone) loads.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TARGET_CPU_EMITOBJECT_H
#define LP_TARGET_CPU_EMITOBJECT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace llvm {
class TargetMachine;
}

namespace lp {

/// The default CPU of ahead-of-time steps: x86-64-v3 (AVX2, FMA, F16C),
/// which every machine LP runs on has.
constexpr llvm::StringLiteral kDefaultTargetCpu = "x86-64-v3";

/// A target machine for the host's triple and `cpu` ("native": the host
/// CPU and its features, as the JIT sees them), -O3 code generation.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(llvm::StringRef cpu, bool positionIndependent);

/// Translates `module` (LLVM dialect) to LLVM IR, optimises it for `cpu`
/// and writes a position-independent object file to `os`.
llvm::Error emitObject(mlir::ModuleOp module, llvm::StringRef cpu,
                       llvm::raw_pwrite_stream &os);

/// Registers the translation `lp-to-object` (option `--target-cpu`).
void registerToObjectTranslation();

/// Registers `lp-print-signature`: the `lp_signature_<fn>` documents of a
/// lowered module, one per line.
void registerPrintSignatureTranslation();

} // namespace lp

#endif // LP_TARGET_CPU_EMITOBJECT_H
