//===- ModelText.h - read lp-run's model text -------------------*- C++ -*-===//

#ifndef LP_TOOLS_LP_RUN_MODELTEXT_H
#define LP_TOOLS_LP_RUN_MODELTEXT_H

#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace lp {

/// The model text: a regular file or `-` (standard input, so that lp-opt's
/// output can be piped in), at most 1 GiB; never a FIFO or device by name
/// (reading /dev/zero would not end). Null with `error` set otherwise.
std::unique_ptr<llvm::MemoryBuffer> readModel(const std::string &path,
                                              std::string &error);

} // namespace lp

#endif // LP_TOOLS_LP_RUN_MODELTEXT_H
