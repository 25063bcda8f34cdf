//===- LPDialect.td - the lp dialect -----------------------*- tablegen -*-===//

#ifndef LP_DIALECT_TD
#define LP_DIALECT_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def LP_Dialect : Dialect {
  let name = "lp";
  let cppNamespace = "::lp";
  let summary = "Training graphs on tensors, with explicit precision";
  let description = [{
    The `lp` dialect models the forward graph of a neural network that ends
    in a loss, on ranked tensors with value semantics. Element types are
    `f32`, `f16` and `bf16`, and `f64` for checking gradients (integer
    tensors for labels and indices).

    A model is a `func.func` whose arguments carry roles as argument
    attributes (`lp.role`, `lp.name`, `lp.init`) and which returns one or
    more scalar losses; see `docs/ModelFormat.md`.

    ```mlir
    func.func @mlp(%x: tensor<64x64xf32> {lp.role = "input"},
                   %y: tensor<64xi64> {lp.role = "label"},
                   %w: tensor<64x10xf32> {lp.role = "param", lp.init = "glorot_uniform"},
                   %b: tensor<10xf32> {lp.role = "param", lp.init = "zeros"})
        -> (tensor<f32> {lp.name = "loss"}) {
      %l = lp.linear %x, %w, %b : (tensor<64x64xf32>, tensor<64x10xf32>, tensor<10xf32>) -> tensor<64x10xf32>
      %loss = lp.cross_entropy %l, %y : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
      return %loss : tensor<f32>
    }
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasOperationAttrVerify = 1;
}

// Every tensor an lp op takes or makes fits in 2^40 bytes, counted with
// overflow checks (TensorLimits.h).
def LP_BoundedTensors : NativeOpTrait<"BoundedTensors"> {
  let cppNamespace = "::lp";
}

class LP_Op<string mnemonic, list<Trait> traits = []>
    : Op<LP_Dialect, mnemonic, !listconcat(traits, [LP_BoundedTensors])>;

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def LP_RoundingMode : I32EnumAttr<"RoundingMode", "float rounding mode", [
    I32EnumAttrCase<"nearest_even", 0>,
    I32EnumAttrCase<"toward_zero", 1>]> {
  let cppNamespace = "::lp";
  let genSpecializedAttr = 0;
}
def LP_RoundingModeAttr : EnumAttr<LP_Dialect, LP_RoundingMode, "rounding">;

def LP_GeluApproximation : I32EnumAttr<"GeluApproximation",
    "GELU formula", [
    I32EnumAttrCase<"none", 0>,
    I32EnumAttrCase<"tanh", 1>]> {
  let cppNamespace = "::lp";
  let genSpecializedAttr = 0;
}
def LP_GeluApproximationAttr
    : EnumAttr<LP_Dialect, LP_GeluApproximation, "gelu_approximation">;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

// f64 is accepted so that gradients can be checked in double precision.
def LP_Float : AnyTypeOf<[F32, F16, BF16, F64]>;
// Zero-size dimensions are rejected where a tensor meets an lp op: LP
// gives them no meaning (a product over K = 0, a loss over no classes, an
// embedding table without rows would divide by zero or read nothing), and
// the verifier reports them at the op (docs/ModelFormat.md, "Rules and decisions").
// The rank is bounded (8) for the same reason: each dimension is a loop of
// the generated code, and LLVM's loop passes take minutes on a rank-400
// tensor.
def LP_NoZeroDimPred : CPred<
    "::llvm::all_of(::llvm::cast<::mlir::ShapedType>($_self).getShape(), "
    "[](int64_t d) { return d > 0; })">;
def LP_MaxRankPred
    : CPred<"::llvm::cast<::mlir::ShapedType>($_self).getRank() <= 8">;
class LP_TensorOf<list<Type> types>
    : RankedTensorOf<types, [HasStaticShapePred, LP_NoZeroDimPred,
                             LP_MaxRankPred],
                     "statically shaped tensor of rank 8 or less without "
                     "zero-size dimensions">;
def LP_FloatTensor : LP_TensorOf<[F32, F16, BF16, F64]>;
def LP_IndexTensor : LP_TensorOf<[I32, I64]>;
def LP_ScalarFloatTensor : 0DTensorOf<[F32, F16, BF16, F64]>;
/// A learning rate: f32, or f64 for f64 parameters.
def LP_LearningRate : 0DTensorOf<[F32, F64]>;
def LP_ScalarI1Tensor : 0DTensorOf<[I1]>;

#endif // LP_DIALECT_TD
