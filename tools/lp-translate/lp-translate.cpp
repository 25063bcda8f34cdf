//===- lp-translate.cpp - translations out of MLIR ------------------------===//
//
// The upstream translations (e.g. --mlir-to-llvmir for IR lowered by
// lp-lower-to-llvm; each parses only the dialects it registers, so lp files
// are lowered with lp-opt first) and LP's own: --lp-to-object (an
// ahead-of-time step), --lp-print-signature (the calling conventions a
// lowered module carries), and --lp-to-ptx / --lp-to-cubin (the kernels of
// a module lowered by lp-lower-to-nvvm).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Target/CPU/EmitObject.h"
#include "lp/Target/GPU/EmitKernels.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllTranslations.h"
#include "mlir/Tools/mlir-translate/MlirTranslateMain.h"
#include "mlir/Tools/mlir-translate/Translation.h"

int main(int argc, char **argv) {
  mlir::registerAllTranslations();
  lp::registerToObjectTranslation();
  lp::registerPrintSignatureTranslation();
  lp::registerKernelTranslations();
  return mlir::failed(
      mlir::mlirTranslateMain(argc, argv, "LP translation driver\n"));
}
