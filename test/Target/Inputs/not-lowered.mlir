// An lp-level function: it must be lowered with lp-lower-to-llvm first.
func.func @relu(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = lp.relu %x : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
