//===- PrecisionWarning.h - lp-run's warning on slow 16-bit steps -*- C++
//-*-===//

#ifndef LP_TOOLS_LP_RUN_PRECISIONWARNING_H
#define LP_TOOLS_LP_RUN_PRECISIONWARNING_H

#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace lp {

/// Warns when the CPU has no native products of `precision`: they then run
/// as f32 products on operands widened once per step (when `precision` is
/// in `widened`) or on every call, and the step costs more than the f32
/// one, by the measured ratio.
void warnIfLowPrecisionIsSlow(llvm::StringRef precision,
                              const std::vector<std::string> &widened);

} // namespace lp

#endif // LP_TOOLS_LP_RUN_PRECISIONWARNING_H
