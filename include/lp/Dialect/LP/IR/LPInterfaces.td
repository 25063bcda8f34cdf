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

def LP_PrecisionOpInterface : OpInterface<"PrecisionOpInterface"> {
  let cppNamespace = "::lp";
  let description = [{
    An op's precision class: how lp-autocast types it (`lowp`: products
    and convolutions in the low type, accumulating in f32; `fp32`: f32
    operands; `follow`: the widest operand type; `clear`: the input's
    type). Every lp op declares one with LP_Lowp, LP_Fp32, LP_Follow or
    LP_Clear; ops of other dialects have none and are treated as `fp32`.
  }];
  let methods = [
    StaticInterfaceMethod<"The op's precision class.",
      "::lp::PrecisionClass", "getPrecisionClass">
  ];
}

class LP_Precision<string cls>
    : ParamNativeOpTrait<"HasPrecisionClass", "::lp::PrecisionClass::" # cls> {
  let cppNamespace = "::lp";
}
def LP_Lowp : LP_Precision<"lowp">;
def LP_Fp32 : LP_Precision<"fp32">;
def LP_Follow : LP_Precision<"follow">;
def LP_Clear : LP_Precision<"clear">;

#endif // LP_INTERFACES_TD
