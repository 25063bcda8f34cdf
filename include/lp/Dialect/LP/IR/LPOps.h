//===- LPOps.h - lp dialect operations ---------------------------*- C++ -*-===//

#ifndef LP_DIALECT_LP_IR_LPOPS_H
#define LP_DIALECT_LP_IR_LPOPS_H

#include "lp/Dialect/LP/IR/LPDialect.h"
#include "lp/Dialect/LP/IR/PrecisionClass.h"
#include "lp/Dialect/LP/IR/TensorLimits.h"

#include "lp/Dialect/LP/IR/LPInterfaces.h.inc"

#define GET_OP_CLASSES
#include "lp/Dialect/LP/IR/LPOps.h.inc"

#endif // LP_DIALECT_LP_IR_LPOPS_H
