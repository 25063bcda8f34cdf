// RUN: not lp-opt %s --lp-fake-quant="weights=int9" 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not lp-opt %s --lp-fake-quant="averaging-constant=1.5" 2>&1 | FileCheck %s --check-prefix=AVG
// RUN: not lp-opt %s --lp-fake-quant="calibrate=5 freeze-after=5" 2>&1 | FileCheck %s --check-prefix=PHASE
// RUN: not lp-opt %s --lp-fake-quant="overrides=layer:fc9=int4" 2>&1 | FileCheck %s --check-prefix=LAYER
// RUN: not lp-opt %s --lp-fake-quant="overrides=param:fc1.q=int8" 2>&1 | FileCheck %s --check-prefix=PARAM
// RUN: not lp-opt %s --lp-fake-quant="overrides=layer:fc1=fp8e4m3" 2>&1 | FileCheck %s --check-prefix=FP8
// RUN: not lp-opt %s --lp-fake-quant="weight-range=lsq" 2>&1 | FileCheck %s --check-prefix=RANGE
// RUN: not lp-opt %s --lp-fake-quant="scheme=asym" 2>&1 | FileCheck %s --check-prefix=SCHEME
// RUN: not lp-opt %s --lp-build-train-step="fake-quant='weights=int3'" 2>&1 | FileCheck %s --check-prefix=STEP
// RUN: not lp-opt %s --lp-build-train-step="fake-quant='bits=8'" 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// RUN: not lp-opt %s --lp-fake-quant="activations=int9" 2>&1 | FileCheck %s --check-prefix=ABITS
// RUN: not lp-opt %s --lp-fake-quant="activation-scheme=x" 2>&1 | FileCheck %s --check-prefix=ASCHEME
// RUN: not lp-opt %s --lp-fake-quant="granularity=x" 2>&1 | FileCheck %s --check-prefix=GRAN
// RUN: not lp-opt %s --lp-fake-quant="observer=x" 2>&1 | FileCheck %s --check-prefix=OBS
// RUN: not lp-opt %s --lp-fake-quant="calibrate=-1" 2>&1 | FileCheck %s --check-prefix=NEG
// RUN: not lp-opt %s --lp-fake-quant="freeze-after=99999999" 2>&1 | FileCheck %s --check-prefix=BIG
// RUN: not lp-opt %s --lp-fake-quant="overrides=layer:[=int8" 2>&1 | FileCheck %s --check-prefix=GLOB
// Bad options and overrides are errors at the model, naming the option.
// BITS: lp-fake-quant-invalid.mlir:[[@LINE+18]]:1: error: lp-fake-quant: weights must be int8, int4 or none, got 'int9'
// AVG: error: lp-fake-quant: averaging-constant must be in (0, 1], got 1.5
// PHASE: error: lp-fake-quant: freeze-after (5) must come after calibrate (5)
// LAYER: error: lp-fake-quant: precision override 'layer:fc9=int4' matches no 'lp.layer' of a lowp op of @mlp
// PARAM: error: lp-fake-quant: precision override 'param:fc1.q=int8' matches no parameter name of @mlp
// FP8: error: lp-fake-quant: precision override 'layer:fc1=fp8e4m3': fp8 is not supported yet
// RANGE: error: lp-fake-quant: weight-range must be observer, current or learned, got 'lsq'
// SCHEME: error: lp-fake-quant: scheme must be symmetric or affine, got 'asym'
// STEP: error: lp-fake-quant: weights must be int8, int4 or none, got 'int3'
// UNKNOWN: error: lp-build-train-step: fake-quant='bits=8': no such option bits
// ABITS: error: lp-fake-quant: activations must be int8, int4 or none, got 'int9'
// ASCHEME: error: lp-fake-quant: activation-scheme must be symmetric or affine, got 'x'
// GRAN: error: lp-fake-quant: granularity must be per-channel or per-tensor, got 'x'
// OBS: error: lp-fake-quant: observer must be moving-average or min-max, got 'x'
// NEG: error: lp-fake-quant: calibrate and freeze-after must not be negative
// BIG: error: lp-fake-quant: calibrate and freeze-after must be at most 2^24 (16777216)
// GLOB: error: lp-fake-quant: precision override 'layer:[=int8': bad pattern: invalid glob pattern, unmatched '['

func.func @mlp(%x: tensor<4x6xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<4xi64> {lp.role = "label", lp.name = "y"},
               %w1: tensor<6x8xf32> {lp.role = "param", lp.name = "fc1.w"},
               %b1: tensor<8xf32> {lp.role = "param", lp.name = "fc1.b"},
               %w2: tensor<8x3xf32> {lp.role = "param", lp.name = "fc2.w"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<4x6xf32>, tensor<6x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %a = lp.relu %h {lp.layer = "fc1"} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %o = lp.matmul %a, %w2 {lp.layer = "fc2"} : (tensor<4x8xf32>, tensor<8x3xf32>) -> tensor<4x3xf32>
  %l = lp.cross_entropy %o, %y : (tensor<4x3xf32>, tensor<4xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
