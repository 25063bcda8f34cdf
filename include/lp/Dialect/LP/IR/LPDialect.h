//===- LPDialect.h - the lp dialect ------------------------------*- C++ -*-===//

#ifndef LP_DIALECT_LP_IR_LPDIALECT_H
#define LP_DIALECT_LP_IR_LPDIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "lp/Dialect/LP/IR/LPOpsDialect.h.inc"
#include "lp/Dialect/LP/IR/LPEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "lp/Dialect/LP/IR/LPAttrs.h.inc"

#endif // LP_DIALECT_LP_IR_LPDIALECT_H
