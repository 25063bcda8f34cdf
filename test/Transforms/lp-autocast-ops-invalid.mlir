// RUN: lp-opt %s --lp-autocast --split-input-file --verify-diagnostics
// Located errors and remarks of lp-autocast at ops.

func.func @int_attr(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                    %w: tensor<8x8xf32> {lp.role = "param", lp.name = "w"}) -> tensor<4x8xf32> {
  // expected-error @below {{'lp.precision' "int8": int8 needs lp-fake-quant}}
  %h = lp.matmul %x, %w {lp.precision = "int8"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %h : tensor<4x8xf32>
}

// -----

func.func @bad_attr(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @below {{'lp.precision' must be one of "f32", "bf16", "f16", "int8", "int4", "fp8e4m3", "fp8e5m2"}}
  %h = lp.relu %x {lp.precision = "f8"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %h : tensor<4x8xf32>
}

// -----

// An op of another dialect is treated as fp32: its operands are brought
// back to their original types.
func.func @foreign(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
                   %w: tensor<8x8xf32> {lp.role = "param", lp.name = "w"}) -> tensor<4x8xf32> {
  %h = lp.matmul %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  // expected-remark @below {{'arith.addf' has no precision class; treated as fp32 (operands in their original types)}}
  %s = arith.addf %h, %h : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}

// -----

// expected-error @below {{lp-autocast: expects a model function with one block}}
func.func @blocks(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"}) -> tensor<4xf32> {
  cf.br ^bb1
^bb1:
  return %x : tensor<4xf32>
}
