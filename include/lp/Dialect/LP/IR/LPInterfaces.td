//===- LPInterfaces.td - lp op interfaces ------------------*- tablegen -*-===//

#ifndef LP_INTERFACES_TD
#define LP_INTERFACES_TD

include "mlir/IR/OpBase.td"

def LP_VjpOpInterface : OpInterface<"VjpOpInterface"> {
  let cppNamespace = "::lp";
  let description = [{
    An op that knows its vector-Jacobian product: given the gradient of the
    loss with respect to each of its results, it builds (with lp ops, at the
    builder's insertion point) the gradient with respect to each operand.
    Autodiff (`lp-differentiate`, `lp-build-train-step`) only talks to ops
    through this interface, so a new op brings its own rule.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the operand gradients. `resultGrads` has one value per result
        (never null). `operandGrads` is filled with one value per operand:
        the gradient, or a null Value for an operand that is not
        differentiable (labels, indices).
      }],
      "::llvm::LogicalResult", "buildVjp",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // LP_INTERFACES_TD
