// RUN: lp-opt %s --lp-fake-quant="weights=int4 overrides=layer:fc2=int8" --lp-quant-convert | FileCheck %s
// RUN: lp-opt %s --lp-quant-convert="f16-weights=true" | FileCheck %s --check-prefix=F16

// lp-quant-convert after lp-fake-quant: @mlp_frozen reads the observers'
// state, @mlp_float has no fake quantization, @mlp_quantize returns the
// codes (int4 packed, int8 as they are) and scales, and @mlp_quantized
// reads them back through lp.unpack_int4 and lp.dequantize.

// CHECK-LABEL: func.func @mlp_frozen(
// CHECK-SAME: -> (tensor<f32> {lp.name = "result0"}) {
// CHECK-NOT: lp.observe
// CHECK: lp.quant_params %arg5, %arg6
// CHECK: return %{{.*}} : tensor<f32>

// CHECK-LABEL: func.func @mlp_float(
// CHECK-SAME: lp.name = "fc2.w"
// CHECK-SAME: -> (tensor<f32> {lp.name = "result0"}) {
// CHECK-NOT: lp.fake_quant
// CHECK: lp.linear %arg0, %arg2, %arg3
// CHECK-NOT: lp.fake_quant
// CHECK: return

// CHECK-LABEL: func.func @mlp_quantize(
// CHECK-SAME: %arg0: tensor<8x16xf32> {{{.*}}lp.name = "fc1.w"
// CHECK-NOT: lp.name = "x"
// CHECK-SAME: -> (tensor<f32> {lp.name = "x.scale"}, tensor<f32> {lp.name = "x.zero_point"}, tensor<64xi8> {lp.name = "fc1.w.int4"}, tensor<16xf32> {lp.name = "fc1.w.scale"}, tensor<16xf32> {lp.name = "fc1.w.zero_point"}, tensor<f32> {lp.name = "fc2.lhs.scale"}, tensor<f32> {lp.name = "fc2.lhs.zero_point"}, tensor<16x5xi8> {lp.name = "fc2.w.int8"}, tensor<5xf32> {lp.name = "fc2.w.scale"}, tensor<5xf32> {lp.name = "fc2.w.zero_point"})
// CHECK: %[[S1:.*]], %[[Z1:.*]] = lp.quant_params {{.*}}quant_max = 7 : i64, quant_min = -8 : i64, symmetric
// CHECK: %[[Q1:.*]] = lp.quantize %arg0, %[[S1]], %[[Z1]] {axis = 1 : i64, quant_max = 7 : i64, quant_min = -8 : i64}
// CHECK: %[[P1:.*]] = lp.pack_int4 %[[Q1]] : (tensor<8x16xi8>) -> tensor<64xi8>
// CHECK: %[[Q2:.*]] = lp.quantize %arg1, {{.*}}quant_max = 127 : i64, quant_min = -128 : i64
// CHECK: return {{.*}}%[[P1]], {{.*}}%[[Q2]],

// CHECK-LABEL: func.func @mlp_quantized(
// CHECK-SAME: lp.name = "fc1.b", lp.role = "param"
// CHECK-SAME: lp.name = "x.scale", lp.role = "state"
// CHECK-SAME: %[[P:[a-z0-9]+]]: tensor<64xi8> {lp.init = "zeros", lp.name = "fc1.w.int4", lp.role = "state"}
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<16x5xi8> {lp.init = "zeros", lp.name = "fc2.w.int8", lp.role = "state"}) -> (tensor<f32> {lp.name = "result0"}) {
// CHECK: lp.fake_quant %arg0, %arg3, %arg4
// CHECK: %[[U:.*]] = lp.unpack_int4 %[[P]] {lp.layer = "fc1"} : (tensor<64xi8>) -> tensor<8x16xi8>
// CHECK: %[[D:.*]] = lp.dequantize %[[U]], %arg5, %arg6 {axis = 1 : i64, lp.layer = "fc1", quant_max = 7 : i64, quant_min = -8 : i64}
// CHECK: lp.linear %{{.*}}, %[[D]], %arg2
// CHECK: lp.dequantize %[[C]], %arg10, %arg11 {axis = 1 : i64, lp.layer = "fc2", quant_max = 127 : i64, quant_min = -128 : i64}
// CHECK-NOT: lp.observe
// CHECK: return

// F16-LABEL: func.func @mlp_quantize(
// F16-SAME: %arg0: tensor<8x16xf32> {{{.*}}lp.name = "fc1.w"{{.*}}, %arg1: tensor<16x5xf32> {{{.*}}lp.name = "fc2.w"
// F16-SAME: -> (tensor<8x16xf16> {lp.name = "fc1.w.f16"}, tensor<16x5xf16> {lp.name = "fc2.w.f16"})
// F16: lp.cast %arg0 : (tensor<8x16xf32>) -> tensor<8x16xf16>
// F16-LABEL: func.func @mlp_quantized(
// F16-SAME: lp.name = "fc1.b", lp.role = "param"
// F16-SAME: %[[W1:[a-z0-9]+]]: tensor<8x16xf16> {lp.init = "zeros", lp.name = "fc1.w.f16", lp.role = "state"}
// F16: %[[C1:.*]] = lp.cast %[[W1]] : (tensor<8x16xf16>) -> tensor<8x16xf32>
// F16: lp.linear %arg0, %[[C1]], %arg2
func.func @mlp(%x: tensor<4x8xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<4xi32> {lp.role = "label", lp.name = "y"},
               %w1: tensor<8x16xf32> {lp.role = "param", lp.name = "fc1.w", lp.init = "normal(0.1)"},
               %b1: tensor<16xf32> {lp.role = "param", lp.name = "fc1.b", lp.init = "zeros"},
               %w2: tensor<16x5xf32> {lp.role = "param", lp.name = "fc2.w", lp.init = "normal(0.1)"}) -> (tensor<f32> {lp.name = "result0"}) {
  %h = lp.linear %x, %w1, %b1 {lp.layer = "fc1"} : (tensor<4x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<4x16xf32>
  %r = lp.relu %h : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %o = lp.matmul %r, %w2 {lp.layer = "fc2"} : (tensor<4x16xf32>, tensor<16x5xf32>) -> tensor<4x5xf32>
  %l = lp.cross_entropy %o, %y : (tensor<4x5xf32>, tensor<4xi32>) -> tensor<f32>
  return %l : tensor<f32>
}

