//===- PrintSignature.cpp - the lp-print-signature translation ------------===//
//
// Prints the calling conventions a lowered module carries (the
// `lp_signature_<fn>` globals of lp-emit-entry-points), one JSON document
// per line, so that a user or a script can read what a compiled step takes
// and returns without running it.
//
//===----------------------------------------------------------------------===//

#include "lp/Target/CPU/EmitObject.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Tools/mlir-translate/Translation.h"

using namespace mlir;

void lp::registerPrintSignatureTranslation() {
  TranslateFromMLIRRegistration registration(
      "lp-print-signature",
      "Print the signature documents (lp_signature_<fn>) of a lowered module",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        bool any = false;
        op->walk([&](LLVM::GlobalOp global) {
          auto value = dyn_cast_or_null<StringAttr>(global.getValueOrNull());
          if (!value || !global.getSymName().starts_with("lp_signature_"))
            return;
          os << value.getValue().rtrim('\0') << "\n";
          any = true;
        });
        if (!any)
          return op->emitError("no lp_signature_ symbols: lower the module "
                               "with lp-lower-to-llvm first");
        return success();
      },
      [](DialectRegistry &registry) {
        registry.insert<LLVM::LLVMDialect, omp::OpenMPDialect, gpu::GPUDialect,
                        NVVM::NVVMDialect>();
      });
}
