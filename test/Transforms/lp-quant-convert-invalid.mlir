// RUN: not lp-opt %s --lp-quant-convert="function=nope" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not lp-opt %s --lp-quant-convert 2>&1 | FileCheck %s --check-prefix=SEVERAL

// lp-quant-convert's errors: the model it converts must be named when it
// is not the only one, and must exist.

// NAME: error: no function named 'nope'
// SEVERAL: error: several model functions (@a, @b); choose one with the 'function' option

func.func @a(%x: tensor<2xf32> {lp.role = "param"}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}

func.func @b(%x: tensor<2xf32> {lp.role = "param"}) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
