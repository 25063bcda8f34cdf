// The device check's direct test of the generated tensor-core products
// (lp-lower-to-nvvm matmul=mma): a bf16 product, and an f16 product whose
// first operand is read transposed (lp-fold-transpose-into-matmul folds the
// transpose into the product's maps). bench/gpu/prepare.sh gives it small
// integers, whose products and sums are exact in f32, so the GPU's results
// must equal numpy's exactly: any mistake in a fragment's layout shows.
func.func @mma_probe(
    %a: tensor<32x64xbf16> {lp.role = "input", lp.name = "a"},
    %b: tensor<64x16xbf16> {lp.role = "input", lp.name = "b"},
    %at: tensor<64x32xf16> {lp.role = "input", lp.name = "at"},
    %bh: tensor<64x24xf16> {lp.role = "input", lp.name = "bh"})
    -> (tensor<32x16xf32> {lp.name = "ab"}, tensor<32x24xf32> {lp.name = "atb"}) {
  %p = lp.matmul %a, %b : (tensor<32x64xbf16>, tensor<64x16xbf16>) -> tensor<32x16xf32>
  %t = lp.transpose %at {permutation = array<i64: 1, 0>} : (tensor<64x32xf16>) -> tensor<32x64xf16>
  %q = lp.matmul %t, %bh : (tensor<32x64xf16>, tensor<64x24xf16>) -> tensor<32x24xf32>
  return %p, %q : tensor<32x16xf32>, tensor<32x24xf32>
}
