//===- PrecisionReport.h - what precision a function computes in -*- C++
//-*-===//
//
// The precision report (docs/MixedPrecision.md, "Precision report"): per
// function and per layer, the lp ops per element type, the casts, and the
// bytes of parameters, gradients, state and saved activations per element
// type. Printed by `lp-opt --lp-precision-report` and `lp-run
// --precision-report` (through the compile API).
//
//===----------------------------------------------------------------------===//

#ifndef LP_TRANSFORMS_PRECISIONREPORT_H
#define LP_TRANSFORMS_PRECISIONREPORT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/raw_ostream.h"

namespace lp {

/// Prints the precision report of `fn` to `os`.
void printPrecisionReport(mlir::func::FuncOp fn, llvm::raw_ostream &os);

} // namespace lp

#endif // LP_TRANSFORMS_PRECISIONREPORT_H
