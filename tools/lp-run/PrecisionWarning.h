//===- PrecisionWarning.h - lp-run's warning on slow 16-bit steps -*- C++
//-*-===//

#ifndef LP_TOOLS_LP_RUN_PRECISIONWARNING_H
#define LP_TOOLS_LP_RUN_PRECISIONWARNING_H

#include "llvm/ADT/StringRef.h"

namespace lp {

/// Warns when products of `precision` do not run on library kernels faster
/// than f32 ones (the path chooseLowpProducts decided: widened once per
/// step, on every call, or on oneDNN's slower AVX512_BF16 kernels), so the
/// step costs more than the f32 one, by the measured ratio. Call after
/// chooseLowpProducts.
void warnIfLowPrecisionIsSlow(llvm::StringRef precision);

} // namespace lp

#endif // LP_TOOLS_LP_RUN_PRECISIONWARNING_H
