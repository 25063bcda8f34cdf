// RUN: not lp-opt %s --lp-autocast="overrides=layer:fc*=int8" 2>&1 | FileCheck %s --check-prefix=INT8
// RUN: not lp-opt %s --lp-autocast="overrides=param:w=fp8e4m3" 2>&1 | FileCheck %s --check-prefix=FP8
// RUN: not lp-opt %s --lp-autocast="overrides=layer:nope=f32" 2>&1 | FileCheck %s --check-prefix=UNMATCHED
// RUN: not lp-opt %s --lp-autocast="overrides=param:v*=f16" 2>&1 | FileCheck %s --check-prefix=NOPARAM
// RUN: not lp-opt %s --lp-autocast="overrides=fc1=f8" 2>&1 | FileCheck %s --check-prefix=VALUE
// RUN: not lp-opt %s --lp-autocast="overrides=fc1" 2>&1 | FileCheck %s --check-prefix=SYNTAX
// RUN: not lp-opt %s --lp-autocast="overrides=fc1=f32,,w=f16" 2>&1 | FileCheck %s --check-prefix=EMPTY
// RUN: not lp-opt %s --lp-autocast="compute-type=int4" 2>&1 | FileCheck %s --check-prefix=GLOBAL
// RUN: not lp-opt %s --lp-autocast="lowp-result=f16" 2>&1 | FileCheck %s --check-prefix=RESULT
// Located errors of lp-autocast's options: each names the override.

// INT8: lp-autocast-invalid.mlir:[[@LINE+9]]:1: error: lp-autocast: precision override 'layer:fc*=int8': int8 needs lp-fake-quant
// FP8: error: lp-autocast: precision override 'param:w=fp8e4m3': fp8e4m3 is not supported yet
// UNMATCHED: error: lp-autocast: precision override 'layer:nope=f32' matches no 'lp.layer' of an op of @m
// NOPARAM: error: lp-autocast: precision override 'param:v*=f16' matches no parameter name of @m
// VALUE: error: lp-autocast: precision override 'fc1=f8': unknown precision 'f8' (expected f32, bf16, f16, int8, int4, fp8e4m3 or fp8e5m2)
// SYNTAX: error: lp-autocast: precision override 'fc1': expected [layer:|param:]GLOB=VALUE
// EMPTY: error: lp-autocast: empty precision override in 'fc1=f32,,w=f16'
// GLOBAL: error: lp-autocast: compute-type must be bf16, f16 or f32, got 'int4' (int4 needs lp-fake-quant
// RESULT: error: lp-autocast: lowp-result must be low or f32, got 'f16'
func.func @m(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
             %w: tensor<8x8xf32> {lp.role = "param", lp.name = "w"}) -> tensor<4x8xf32> {
  %h = lp.matmul %x, %w {lp.layer = "fc1"} : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %h : tensor<4x8xf32>
}
