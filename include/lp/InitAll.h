//===- InitAll.h - registration shared by every LP tool ---------*- C++ -*-===//

#ifndef LP_INITALL_H
#define LP_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace lp {

/// Registers the lp dialect and the upstream dialects and interface
/// extensions that LP's pipelines produce.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers LP's passes and pipelines and all upstream passes.
void registerAllPasses();

} // namespace lp

#endif // LP_INITALL_H
