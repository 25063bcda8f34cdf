// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file --mlir-print-local-scope | FileCheck %s
// RUN: lp-opt %s --convert-lp-to-linalg --split-input-file | FileCheck %s --check-prefix=NOLP
// Every function lowers all the way to the LLVM dialect, and the result is
// plain upstream IR that mlir-opt accepts.
// RUN: lp-opt %s --lp-lower-to-llvm="outline-kernels=false" | %mlir_opt | FileCheck %s --check-prefix=LLVM --implicit-check-not=lp. --implicit-check-not=linalg. --implicit-check-not=tensor. --implicit-check-not=memref.

// Lowering of lp.sqrt and of the gradient and optimizer ops
// (lib/Conversion/LPToLinalg/{Elementwise,Gradient,Optimizer}Patterns.cpp).

// NOLP-NOT: lp.

// CHECK-LABEL: func.func @sqrt_bf16_computes_in_f32
// CHECK: linalg.generic
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: math.sqrt %{{.*}} : f32
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// LLVM-LABEL: llvm.func @sqrt_bf16_computes_in_f32(
// LLVM: llvm.intr.sqrt
func.func @sqrt_bf16_computes_in_f32(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = lp.sqrt %x : (tensor<4x8xbf16>) -> tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// -----

// A copy through broadcast maps: size-1 dimensions read index 0, missing
// leading dimensions are not read.
// CHECK-LABEL: func.func @broadcast_reads_size1_and_missing_dims
// CHECK: %[[R:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<4x1xf32>) outs(%{{.*}} : tensor<3x4x8xf32>)
// CHECK-NEXT: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
// CHECK: return %[[R]]
// LLVM-LABEL: llvm.func @broadcast_reads_size1_and_missing_dims(
func.func @broadcast_reads_size1_and_missing_dims(%x: tensor<4x1xf32>) -> tensor<3x4x8xf32> {
  %0 = lp.broadcast %x : (tensor<4x1xf32>) -> tensor<3x4x8xf32>
  return %0 : tensor<3x4x8xf32>
}

// -----

// CHECK-LABEL: func.func @relu_grad_selects_where_input_positive
// CHECK: linalg.generic {{.*}} ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[DY:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[POS:.*]] = arith.cmpf ugt, %[[X]], %{{.*}} : f32
// CHECK: %[[SEL:.*]] = arith.select %[[POS]], %[[DY]], %{{.*}} : f32
// CHECK: linalg.yield %[[SEL]] : f32
// LLVM-LABEL: llvm.func @relu_grad_selects_where_input_positive(
// LLVM: llvm.fcmp "ugt"
// LLVM: llvm.select
func.func @relu_grad_selects_where_input_positive(%x: tensor<4x8xf32>, %dy: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = lp.relu_grad %x, %dy : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Phi(x) + x phi(x), in f32, times the incoming gradient; Phi(x) =
// erfc(-x / sqrt 2) / 2 (no cancellation in the negative tail).
// CHECK-LABEL: func.func @gelu_grad_erf_bf16
// CHECK: ^bb0(%[[X:.*]]: bf16, %[[DY:.*]]: bf16, %{{.*}}: bf16):
// CHECK: %[[XF:.*]] = arith.extf %[[X]] : bf16 to f32
// CHECK: %[[DYF:.*]] = arith.extf %[[DY]] : bf16 to f32
// CHECK: %[[NEG:.*]] = arith.constant -0.707106769 : f32
// CHECK: %[[U:.*]] = arith.mulf %[[XF]], %[[NEG]] : f32
// CHECK: math.erfc %[[U]] : f32
// CHECK: math.exp %{{.*}} : f32
// CHECK: %[[D:.*]] = arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: %[[G:.*]] = arith.mulf %[[DYF]], %[[D]] : f32
// CHECK: %[[T:.*]] = arith.truncf %[[G]] : f32 to bf16
// CHECK: linalg.yield %[[T]] : bf16
// LLVM-LABEL: llvm.func @gelu_grad_erf_bf16(
func.func @gelu_grad_erf_bf16(%x: tensor<8xbf16>, %dy: tensor<8xbf16>) -> tensor<8xbf16> {
  %0 = lp.gelu_grad %x, %dy : (tensor<8xbf16>, tensor<8xbf16>) -> tensor<8xbf16>
  return %0 : tensor<8xbf16>
}

// -----

// f64 computes in f64: no extension, no erf; tanh(u) is written through
// s = 1 / (1 + exp(-2u)) (1 + t = 2s, 1 - t^2 = 4 s (1 - s)).
// CHECK-LABEL: func.func @gelu_grad_tanh_f64
// CHECK-NOT: arith.extf
// CHECK-NOT: math.erf
// CHECK: arith.constant 0.79788456080286541 : f64
// CHECK: math.exp %{{.*}} : f64
// CHECK-NOT: math.tanh
// CHECK: linalg.yield %{{.*}} : f64
// LLVM-LABEL: llvm.func @gelu_grad_tanh_f64(
func.func @gelu_grad_tanh_f64(%x: tensor<8xf64>, %dy: tensor<8xf64>) -> tensor<8xf64> {
  %0 = lp.gelu_grad %x, %dy {approximate = #lp<gelu_approximation tanh>} : (tensor<8xf64>, tensor<8xf64>) -> tensor<8xf64>
  return %0 : tensor<8xf64>
}

// -----

// The input gradient is a product and a gather: filter^T [C*KH*KW, F]
// (a transpose that lp-fold-transpose-into-matmul folds into the operand
// map) times dy as [F, N*OH*OW] (dy with N and F swapped) gives each window
// position's gradient; each input position then sums, over loops
// (n, c, h, w | kh, kw), the entry of the window at
// oh = (h + pad - kh) / stride when that divides evenly and lies in range.
// CHECK-LABEL: func.func @conv2d_grad_input_gathers_from_gradient
// CHECK: %[[W:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 27]
// CHECK: %[[DYT:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>]
// CHECK-SAME: ins(%arg0 : tensor<2x4x4x4xf32>) outs(%{{.*}} : tensor<4x2x4x4xf32>)
// CHECK: %[[DY2:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 32]
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<4x27xf32>) outs(%{{.*}} : tensor<27x4xf32>) permutation = [1, 0]
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[WT]], %[[DY2]] : tensor<27x4xf32>, tensor<4x32xf32>) outs(%{{.*}} : tensor<27x32xf32>)
// CHECK: %[[P6:.*]] = tensor.expand_shape %{{.*}} output_shape [3, 3, 3, 2, 4, 4]
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x3x8x8xf32>)
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%[[ZERO]] : tensor<2x3x8x8xf32>)
// CHECK: arith.divsi %{{.*}}, %{{.*}} : index
// CHECK: arith.remsi %{{.*}}, %{{.*}} : index
// CHECK: %[[G:.*]] = tensor.extract %[[P6]][%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] : tensor<3x3x3x2x4x4xf32>
// CHECK: %[[SEL:.*]] = arith.select %{{.*}}, %[[G]], %{{.*}} : f32
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %[[SEL]] : f32
// CHECK: linalg.yield %[[SUM]] : f32
// LLVM-LABEL: llvm.func @conv2d_grad_input_gathers_from_gradient(
func.func @conv2d_grad_input_gathers_from_gradient(%dy: tensor<2x4x4x4xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32> {
  %0 = lp.conv2d_grad_input %dy, %w {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x4x4x4xf32>, tensor<4x3x3x3xf32>) -> tensor<2x3x8x8xf32>
  return %0 : tensor<2x3x8x8xf32>
}

// -----

// The filter gradient is one product: dy as [F, N*OH*OW] times the padded
// input's im2col matrix, transposed ([N*OH*OW, C*KH*KW]; folded into the
// operand map later), expanded to [F, C, KH, KW].
// CHECK-LABEL: func.func @conv2d_grad_filter_strided_window
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[COLS6:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d3, d0, d4 * 2 + d1, d5 * 2 + d2)>
// CHECK-SAME: ins(%[[PAD]] : tensor<2x3x10x10xf32>)
// CHECK: %[[COLS:.*]] = tensor.collapse_shape %[[COLS6]] {{\[\[}}0, 1, 2], [3, 4, 5]] : tensor<3x3x3x2x4x4xf32> into tensor<27x32xf32>
// CHECK: %[[COLST:.*]] = linalg.transpose ins(%[[COLS]] : tensor<27x32xf32>) outs(%{{.*}} : tensor<32x27xf32>) permutation = [1, 0]
// CHECK: %[[DY2:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 32]
// CHECK: %[[P:.*]] = linalg.matmul ins(%[[DY2]], %[[COLST]] : tensor<4x32xf32>, tensor<32x27xf32>) outs(%{{.*}} : tensor<4x27xf32>)
// CHECK: %[[R:.*]] = tensor.expand_shape %{{.*}} output_shape [4, 3, 3, 3]
// CHECK: return %[[R]]
// LLVM-LABEL: llvm.func @conv2d_grad_filter_strided_window(
func.func @conv2d_grad_filter_strided_window(%x: tensor<2x3x8x8xf32>, %dy: tensor<2x4x4x4xf32>) -> tensor<4x3x3x3xf32> {
  %0 = lp.conv2d_grad_filter %x, %dy {stride = array<i64: 2, 2>, padding = array<i64: 1, 1>} : (tensor<2x3x8x8xf32>, tensor<2x4x4x4xf32>) -> tensor<4x3x3x3xf32>
  return %0 : tensor<4x3x3x3xf32>
}

// -----

// Without padding there is no tensor.pad; the f16 operands are multiplied
// into an f32 product that is rounded to f16 afterwards.
// CHECK-LABEL: func.func @conv2d_grad_filter_f16_accumulates_in_f32
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<1x2x5x5xf16>) outs(%{{.*}} : tensor<2x2x2x1x4x4xf16>)
// CHECK: %[[ACC:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x16xf16>, tensor<16x8xf16>) outs(%{{.*}} : tensor<3x8xf32>)
// CHECK: %[[ACC4:.*]] = tensor.expand_shape %{{.*}} output_shape [3, 2, 2, 2] : tensor<24xf32> into tensor<3x2x2x2xf32>
// CHECK: linalg.generic {{.*}} ins(%[[ACC4]] : tensor<3x2x2x2xf32>) outs(%{{.*}} : tensor<3x2x2x2xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// LLVM-LABEL: llvm.func @conv2d_grad_filter_f16_accumulates_in_f32(
func.func @conv2d_grad_filter_f16_accumulates_in_f32(%x: tensor<1x2x5x5xf16>, %dy: tensor<1x3x4x4xf16>) -> tensor<3x2x2x2xf16> {
  %0 = lp.conv2d_grad_filter %x, %dy : (tensor<1x2x5x5xf16>, tensor<1x3x4x4xf16>) -> tensor<3x2x2x2xf16>
  return %0 : tensor<3x2x2x2xf16>
}

// -----

// The forward maxima are recomputed; each window's first maximum in
// row-major order (its offset kh * KW + kw, a min-reduction over the window
// of the offsets that reach the maximum; a NaN counts as the maximum) is
// the one position that receives the window's gradient (PyTorch's rule).
// CHECK-LABEL: func.func @max_pool2d_grad_routes_to_maxima
// CHECK: %[[MAX:.*]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%arg0, %{{.*}} : tensor<1x2x4x4xf32>, tensor<2x2xf32>)
// CHECK: %[[FIRST:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %arg0, %[[MAX]] : tensor<2x2xf32>, tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>)
// CHECK: ^bb0(%{{.*}}: f32, %[[X:.*]]: f32, %[[M:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[EQ:.*]] = arith.cmpf oeq, %[[X]], %[[M]] : f32
// CHECK: arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[K:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: arith.minimumf %[[ACC]], %[[K]] : f32
// 2x2 windows with stride 2 tile the input: each position has one window,
// (h / 2, w / 2) at offset (h % 2, w % 2), and no loop over the offsets.
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK: arith.divui %{{.*}}, %c2{{(_[0-9]+)?}} : index
// CHECK: arith.remui %{{.*}}, %c2{{(_[0-9]+)?}} : index
// CHECK: arith.cmpi ult, %{{.*}}, %c2{{(_[0-9]+)?}} : index
// CHECK: %[[G:.*]] = tensor.extract %arg1[{{.*}}] : tensor<1x2x2x2xf32>
// CHECK: %[[F:.*]] = tensor.extract %[[FIRST]][{{.*}}] : tensor<1x2x2x2xf32>
// CHECK: %[[HIT:.*]] = arith.cmpf oeq, %{{.*}}, %[[F]] : f32
// CHECK: %[[OK:.*]] = arith.andi %{{.*}}, %[[HIT]] : i1
// CHECK: arith.select %[[OK]], %[[G]], %{{.*}} : f32
// LLVM-LABEL: llvm.func @max_pool2d_grad_routes_to_maxima(
// LLVM: llvm.fcmp "oeq"
func.func @max_pool2d_grad_routes_to_maxima(%x: tensor<1x2x4x4xf32>, %dy: tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x4x4xf32>
}

// -----

// Padding is -inf in the recomputed forward pass, and the first-maximum
// search skips padded positions (also when a window's maximum is -inf).
// CHECK-LABEL: func.func @max_pool2d_grad_padding_never_wins
// CHECK: %[[NEG_INF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG_INF]] : f32
// CHECK: linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PAD]], %{{.*}} : tensor<1x1x5x5xf32>, tensor<3x3xf32>)
// CHECK: linalg.generic
// CHECK: arith.cmpf oeq
// CHECK: arith.cmpi sge
// CHECK: arith.cmpi slt
// CHECK: arith.minimumf
// LLVM-LABEL: llvm.func @max_pool2d_grad_padding_never_wins(
func.func @max_pool2d_grad_padding_never_wins(%x: tensor<1x1x3x3xf32>, %dy: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %0 = lp.max_pool2d_grad %x, %dy {kernel = array<i64: 3, 3>, stride = array<i64: 1, 1>, padding = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

// CHECK-LABEL: func.func @avg_pool2d_grad_spreads_over_window
// CHECK-NOT: linalg.pooling
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x4x4xf32>)
// CHECK: %[[G:.*]] = tensor.extract %arg0[{{.*}}] : tensor<1x2x2x2xf16>
// CHECK: %[[GF:.*]] = arith.extf %[[G]] : f16 to f32
// CHECK: %[[N:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: arith.divf %[[GF]], %[[N]] : f32
// CHECK: linalg.generic {{.*}} ins(%[[ACC]] : tensor<1x2x4x4xf32>) outs(%{{.*}} : tensor<1x2x4x4xf16>)
// CHECK: arith.truncf %{{.*}} : f32 to f16
// LLVM-LABEL: llvm.func @avg_pool2d_grad_spreads_over_window(
func.func @avg_pool2d_grad_spreads_over_window(%dy: tensor<1x2x2x2xf16>) -> tensor<1x2x4x4xf16> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>} : (tensor<1x2x2x2xf16>) -> tensor<1x2x4x4xf16>
  return %0 : tensor<1x2x4x4xf16>
}

// -----

// Overlapping windows (stride 1): each position sums over the offsets of
// the windows that hold it.
// CHECK-LABEL: func.func @avg_pool2d_grad_overlapping_windows
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>, affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK: arith.divsi
// CHECK: arith.remsi
// LLVM-LABEL: llvm.func @avg_pool2d_grad_overlapping_windows(
func.func @avg_pool2d_grad_overlapping_windows(%dy: tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32> {
  %0 = lp.avg_pool2d_grad %dy {kernel = array<i64: 2, 2>, stride = array<i64: 1, 1>} : (tensor<1x1x3x3xf32>) -> tensor<1x1x4x4xf32>
  return %0 : tensor<1x1x4x4xf32>
}

// -----

// A scatter-add: one loop step per index adds that gradient row into the
// (clamped) table row it names, so the cost is indices x width.
// CHECK-LABEL: func.func @embedding_grad_scatter_adds_rows
// CHECK: %[[IDS:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<4x16xi64> into tensor<64xi64>
// CHECK: %[[ROWS:.*]] = tensor.expand_shape {{.*}} : tensor<2048xf32> into tensor<64x32xf32>
// CHECK: %[[ZERO:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<96x32xf32>)
// CHECK: %[[C64:.*]] = arith.constant 64 : index
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %[[C64]] step %{{.*}} iter_args(%[[ACC:.*]] = %[[ZERO]]) -> (tensor<96x32xf32>)
// CHECK: %[[ID:.*]] = tensor.extract %[[IDS]][%[[I]]] : tensor<64xi64>
// CHECK: %[[IDX:.*]] = arith.index_cast %[[ID]] : i64 to index
// CHECK: %[[LO:.*]] = arith.maxsi %[[IDX]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.minsi %[[LO]], %{{.*}} : index
// CHECK: %[[DST:.*]] = tensor.extract_slice %[[ACC]][%[[ROW]], 0] [1, 32] [1, 1] : tensor<96x32xf32> to tensor<32xf32>
// CHECK: %[[SRC:.*]] = tensor.extract_slice %[[ROWS]][%[[I]], 0] [1, 32] [1, 1] : tensor<64x32xf32> to tensor<32xf32>
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[SRC]] : tensor<32xf32>) outs(%[[DST]] : tensor<32xf32>)
// CHECK: arith.addf
// CHECK: tensor.insert_slice %[[SUM]] into %[[ACC]][%[[ROW]], 0] [1, 32] [1, 1]
// LLVM-LABEL: llvm.func @embedding_grad_scatter_adds_rows(
func.func @embedding_grad_scatter_adds_rows(%ids: tensor<4x16xi64>, %dy: tensor<4x16x32xf32>) -> tensor<96x32xf32> {
  %0 = lp.embedding_grad %ids, %dy : (tensor<4x16xi64>, tensor<4x16x32xf32>) -> tensor<96x32xf32>
  return %0 : tensor<96x32xf32>
}

// -----

// Row maxima, then the shifted exponential sums, then
// (softmax - one_hot(label)) * grad / N with the scalar gradient read through
// an empty map.
// CHECK-LABEL: func.func @cross_entropy_grad_softmax_minus_one_hot
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%arg0, %[[MAX]] : tensor<8x10xf32>, tensor<8xf32>)
// CHECK: math.exp
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> ()>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %[[MAX]], %[[SUM]], %arg1, %arg2 : tensor<8x10xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xi32>, tensor<f32>)
// CHECK: arith.index_cast %{{.*}} : i32 to index
// CHECK: linalg.index 1 : index
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: arith.constant 8.000000e+00 : f32
// LLVM-LABEL: llvm.func @cross_entropy_grad_softmax_minus_one_hot(
func.func @cross_entropy_grad_softmax_minus_one_hot(%l: tensor<8x10xf32>, %y: tensor<8xi32>, %d: tensor<f32>) -> tensor<8x10xf32> {
  %0 = lp.cross_entropy_grad %l, %y, %d : (tensor<8x10xf32>, tensor<8xi32>, tensor<f32>) -> tensor<8x10xf32>
  return %0 : tensor<8x10xf32>
}

// -----

// The gradient is split evenly among the tied maxima: a count of the
// positions that reach the maximum, then dy / count at those positions.
// CHECK-LABEL: func.func @reduce_max_grad_dropped_dims
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: %[[COUNT:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%arg0, %[[MAX]] : tensor<4x8xf32>, tensor<4xf32>)
// CHECK: arith.addf
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %[[MAX]], %[[COUNT]], %arg1 : tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[M:.*]]: f32, %[[N:.*]]: f32, %[[G:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[SHARE:.*]] = arith.divf %[[G]], %[[N]] : f32
// CHECK: %[[EQ:.*]] = arith.cmpf oeq, %[[X]], %[[M]] : f32
// CHECK: arith.select %{{.*}}, %[[SHARE]], %{{.*}} : f32
// LLVM-LABEL: llvm.func @reduce_max_grad_dropped_dims(
func.func @reduce_max_grad_dropped_dims(%x: tensor<4x8xf32>, %dy: tensor<4xf32>) -> tensor<4x8xf32> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: 1>} : (tensor<4x8xf32>, tensor<4xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A keepdims-shaped gradient is read through a broadcast map.
// CHECK-LABEL: func.func @reduce_max_grad_kept_dims
// CHECK: linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, 0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %{{.*}}, %{{.*}}, %arg1 : tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4x1xf32>)
// CHECK: arith.cmpf oeq
// LLVM-LABEL: llvm.func @reduce_max_grad_kept_dims(
func.func @reduce_max_grad_kept_dims(%x: tensor<4x8xf32>, %dy: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %0 = lp.reduce_max_grad %x, %dy {axes = array<i64: -1>} : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// One generic with two results: g = grad + wd * p; buf = momentum * buf + g;
// p - lr * buf. The parameter and the buffer are the generic's outs (read
// and written), so that bufferization updates them in place. The learning
// rate operand is read once, outside the loop.
// CHECK-LABEL: func.func @sgd_update_momentum_yields_param_and_buffer
// CHECK: %[[LR:.*]] = tensor.extract %arg3[] : tensor<f32>
// CHECK: %[[R:.*]]:2 = linalg.generic {{.*}} iterator_types = ["parallel"]}
// CHECK-SAME: ins(%arg1 : tensor<4xf32>) outs(%arg0, %arg2 : tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[G:.*]]: f32, %[[P:.*]]: f32, %[[B:.*]]: f32):
// CHECK: %[[WD:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[DECAY:.*]] = arith.mulf %[[WD]], %[[P]] : f32
// CHECK: %[[GD:.*]] = arith.addf %[[G]], %[[DECAY]] : f32
// CHECK: %[[MU:.*]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[MB:.*]] = arith.mulf %[[MU]], %[[B]] : f32
// CHECK: %[[BUF:.*]] = arith.addf %[[MB]], %[[GD]] : f32
// CHECK: %[[STEP:.*]] = arith.mulf %[[LR]], %[[BUF]] : f32
// CHECK: %[[NEWP:.*]] = arith.subf %[[P]], %[[STEP]] : f32
// CHECK: linalg.yield %[[NEWP]], %[[BUF]] : f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1
// LLVM-LABEL: llvm.func @sgd_update_momentum_yields_param_and_buffer(
func.func @sgd_update_momentum_yields_param_and_buffer(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.25 : f64, weight_decay = 0.125 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %p2, %b2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Dampening: the count of applied updates tells the first update apart
// (compared once, outside the loop), which copies g into the buffer;
// later ones add (1 - dampening) * g.
// CHECK-LABEL: func.func @sgd_update_dampening_first_update_copies_g
// CHECK: %[[T:.*]] = tensor.extract %arg3[] : tensor<i64>
// CHECK: %[[FIRST:.*]] = arith.cmpi eq, %[[T]], %{{.*}} : i64
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G:.*]]: f32, %[[P:.*]]: f32, %[[B:.*]]: f32):
// CHECK: %[[KEEP:.*]] = arith.constant 7.500000e-01 : f32
// CHECK: %[[GD:.*]] = arith.mulf %[[KEEP]], %[[G]] : f32
// CHECK: %[[MB:.*]] = arith.mulf %{{.*}}, %[[B]] : f32
// CHECK: %[[SUM:.*]] = arith.addf %[[MB]], %[[GD]] : f32
// CHECK: %[[BUF:.*]] = arith.select %[[FIRST]], %[[G]], %[[SUM]] : f32
// CHECK: %[[STEP:.*]] = arith.mulf %{{.*}}, %[[BUF]] : f32
// CHECK: %[[NEWP:.*]] = arith.subf %[[P]], %[[STEP]] : f32
// CHECK: linalg.yield %[[NEWP]], %[[BUF]] : f32, f32
// LLVM-LABEL: llvm.func @sgd_update_dampening_first_update_copies_g(
func.func @sgd_update_dampening_first_update_copies_g(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b count %t lr %lr {momentum = 0.5 : f64, dampening = 0.25 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %p2, %b2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Nesterov: the step is g + momentum * buf; the buffer is as without it.
// CHECK-LABEL: func.func @sgd_update_nesterov_looks_ahead
// CHECK: ^bb0(%[[G:.*]]: f32, %[[P:.*]]: f32, %[[B:.*]]: f32):
// CHECK: %[[BUF:.*]] = arith.addf %{{.*}}, %[[G]] : f32
// CHECK: %[[MU:.*]] = arith.constant 5.000000e-01 : f32
// CHECK: %[[LOOK:.*]] = arith.mulf %[[MU]], %[[BUF]] : f32
// CHECK: %[[D:.*]] = arith.addf %[[G]], %[[LOOK]] : f32
// CHECK: %[[STEP:.*]] = arith.mulf %{{.*}}, %[[D]] : f32
// CHECK: %[[NEWP:.*]] = arith.subf %[[P]], %[[STEP]] : f32
// CHECK: linalg.yield %[[NEWP]], %[[BUF]] : f32, f32
// LLVM-LABEL: llvm.func @sgd_update_nesterov_looks_ahead(
func.func @sgd_update_nesterov_looks_ahead(%p: tensor<4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>, %lr: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr {momentum = 0.5 : f64, nesterov = true} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %p2, %b2 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Without momentum and weight decay: one result, p - lr * g, in f32.
// CHECK-LABEL: func.func @sgd_update_plain_bf16
// CHECK: %[[LR:.*]] = tensor.extract %arg2[] : tensor<f32>
// CHECK: %[[R:.*]] = linalg.generic {{.*}} ins(%arg1 : tensor<4xbf16>) outs(%arg0 : tensor<4xbf16>)
// CHECK: ^bb0(%[[G:.*]]: bf16, %[[P:.*]]: bf16):
// CHECK: %[[PF:.*]] = arith.extf %[[P]] : bf16 to f32
// CHECK: %[[GF:.*]] = arith.extf %[[G]] : bf16 to f32
// CHECK: %[[STEP:.*]] = arith.mulf %[[LR]], %[[GF]] : f32
// CHECK: %[[NEWP:.*]] = arith.subf %[[PF]], %[[STEP]] : f32
// CHECK: %[[T:.*]] = arith.truncf %[[NEWP]] : f32 to bf16
// CHECK: linalg.yield %[[T]] : bf16
// CHECK: return %[[R]] : tensor<4xbf16>
// LLVM-LABEL: llvm.func @sgd_update_plain_bf16(
func.func @sgd_update_plain_bf16(%p: tensor<4xbf16>, %g: tensor<4xbf16>, %lr: tensor<f32>) -> tensor<4xbf16> {
  %p2 = lp.sgd_update %p, %g lr %lr {momentum = 0.0 : f64} : (tensor<4xbf16>, tensor<4xbf16>, tensor<f32>) -> tensor<4xbf16>
  return %p2 : tensor<4xbf16>
}

// -----

// The bias corrections depend only on the step: computed once in f64 before
// the generic (step_size = lr / (1 - b1^t), sqrt(1 - b2^t)), rounded to f32
// and used inside; the generic has three results (param, m, v).
// CHECK-LABEL: func.func @adam_update_bias_corrections_outside_loop
// CHECK: %[[T:.*]] = tensor.extract %arg4[] : tensor<i64>
// CHECK: %[[TF:.*]] = arith.sitofp %[[T]] : i64 to f64
// CHECK: math.powf %{{.*}}, %[[TF]] : f64
// CHECK: math.powf %{{.*}}, %[[TF]] : f64
// CHECK: %[[SS:.*]] = arith.divf %{{.*}}, %{{.*}} : f64
// CHECK: %[[SS32:.*]] = arith.truncf %[[SS]] : f64 to f32
// CHECK: %[[BC2:.*]] = math.sqrt %{{.*}} : f64
// CHECK: %[[BC2_32:.*]] = arith.truncf %[[BC2]] : f64 to f32
// CHECK: %[[R:.*]]:3 = linalg.generic {{.*}} iterator_types = ["parallel"]}
// CHECK-SAME: ins(%arg1 : tensor<4xf32>)
// CHECK-SAME: outs(%arg0, %arg2, %arg3 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NOT: math.powf
// CHECK: %[[SQ:.*]] = math.sqrt %{{.*}} : f32
// CHECK: arith.divf %[[SQ]], %[[BC2_32]] : f32
// CHECK: arith.mulf %[[SS32]], %{{.*}} : f32
// CHECK-NOT: math.powf
// CHECK: linalg.yield %{{.*}}, %{{.*}}, %{{.*}} : f32, f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2
// LLVM-LABEL: llvm.func @adam_update_bias_corrections_outside_loop(
// LLVM: llvm.intr.pow
func.func @adam_update_bias_corrections_outside_loop(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.75 : f64, beta2 = 0.5 : f64, eps = 0.25 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p2, %m2, %v2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// AMSGrad: a fourth result, max(v_max, v), updated in place and used in
// the denominator instead of v.
// CHECK-LABEL: func.func @adam_update_amsgrad_uses_running_max
// CHECK: %[[R:.*]]:4 = linalg.generic
// CHECK-SAME: outs(%arg0, %arg2, %arg3, %arg4 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %{{.*}}: f32, %[[VMAX:.*]]: f32):
// CHECK: %[[MAX:.*]] = arith.maximumf %[[VMAX]], %[[V2:.*]] : f32
// CHECK: %[[SQ:.*]] = math.sqrt %[[MAX]] : f32
// CHECK: linalg.yield %{{.*}}, %{{.*}}, %[[V2]], %[[MAX]] : f32, f32, f32, f32
// CHECK: return %[[R]]#0, %[[R]]#1, %[[R]]#2, %[[R]]#3
// LLVM-LABEL: llvm.func @adam_update_amsgrad_uses_running_max(
func.func @adam_update_amsgrad_uses_running_max(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %vmax: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %p2, %m2, %v2, %vm2 = lp.adam_update %p, %g, %m, %v max_v %vmax count %t lr %lr {beta1 = 0.75 : f64, beta2 = 0.5 : f64, eps = 0.25 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p2, %m2, %v2, %vm2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// AdamW scales the parameter by 1 - lr * wd first, computed once in f64
// from the learning rate operand; in f64 the step scalars are not rounded.
// CHECK-LABEL: func.func @adamw_update_decays_param_first_f64
// CHECK: %[[LRF:.*]] = tensor.extract %arg5[] : tensor<f32>
// CHECK: %[[LR:.*]] = arith.extf %[[LRF]] : f32 to f64
// CHECK: %[[LRWD:.*]] = arith.mulf %[[LR]], %{{.*}} : f64
// CHECK: %[[K:.*]] = arith.subf %{{.*}}, %[[LRWD]] : f64
// CHECK: math.powf
// CHECK-NOT: arith.truncf
// CHECK: linalg.generic
// CHECK: ^bb0(%{{.*}}: f64, %[[P:.*]]: f64, %{{.*}}: f64, %{{.*}}: f64):
// CHECK-NEXT: %[[PD:.*]] = arith.mulf %[[P]], %[[K]] : f64
// CHECK: %[[NEWP:.*]] = arith.subf %[[PD]], %{{.*}} : f64
// CHECK: linalg.yield %[[NEWP]], %{{.*}}, %{{.*}} : f64, f64, f64
// LLVM-LABEL: llvm.func @adamw_update_decays_param_first_f64(
func.func @adamw_update_decays_param_first_f64(%p: tensor<4xf64>, %g: tensor<4xf64>, %m: tensor<4xf64>, %v: tensor<4xf64>, %t: tensor<i64>, %lr: tensor<f32>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.75 : f64, beta2 = 0.5 : f64, eps = 0.25 : f64, weight_decay = 0.5 : f64, decoupled = true} : (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<i64>, tensor<f32>) -> (tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
  return %p2, %m2, %v2 : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>
}

// -----

// Adam's L2 weight decay adds wd * p to the gradient; f16 computes in f32
// and rounds each of the three results.
// CHECK-LABEL: func.func @adam_update_l2_weight_decay_f16
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G:.*]]: f16, %[[P:.*]]: f16, %{{.*}}: f16, %{{.*}}: f16):
// CHECK: %[[PF:.*]] = arith.extf %[[P]] : f16 to f32
// CHECK: %[[GF:.*]] = arith.extf %[[G]] : f16 to f32
// CHECK: %[[WD:.*]] = arith.constant 1.250000e-01 : f32
// CHECK: %[[DECAY:.*]] = arith.mulf %[[WD]], %[[PF]] : f32
// CHECK: arith.addf %[[GF]], %[[DECAY]] : f32
// CHECK: %[[T0:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[T1:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: %[[T2:.*]] = arith.truncf %{{.*}} : f32 to f16
// CHECK: linalg.yield %[[T0]], %[[T1]], %[[T2]] : f16, f16, f16
// LLVM-LABEL: llvm.func @adam_update_l2_weight_decay_f16(
func.func @adam_update_l2_weight_decay_f16(%p: tensor<4xf16>, %g: tensor<4xf16>, %m: tensor<4xf16>, %v: tensor<4xf16>, %t: tensor<i64>, %lr: tensor<f32>) -> (tensor<4xf16>, tensor<4xf16>, tensor<4xf16>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr {beta1 = 0.75 : f64, beta2 = 0.5 : f64, eps = 0.25 : f64, weight_decay = 0.125 : f64} : (tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<4xf16>, tensor<i64>, tensor<f32>) -> (tensor<4xf16>, tensor<4xf16>, tensor<4xf16>)
  return %p2, %m2, %v2 : tensor<4xf16>, tensor<4xf16>, tensor<4xf16>
}

// -----

// With a skip predicate every result selects its input (read in the
// parameter's own type, before any rounding): a skipped update changes no
// bit.
// CHECK-LABEL: func.func @sgd_update_skip_selects_inputs_bf16
// CHECK: %[[SKIP:.*]] = tensor.extract %arg4[] : tensor<i1>
// CHECK: linalg.generic
// CHECK: ^bb0(%[[G:.*]]: bf16, %[[P:.*]]: bf16, %[[B:.*]]: bf16):
// The new buffer is read back as stored (rounded to bf16) by the update.
// CHECK: %[[RB:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: arith.extf %[[RB]] : bf16 to f32
// CHECK: %[[NP:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[SP:.*]] = arith.select %[[SKIP]], %[[P]], %[[NP]] : bf16
// CHECK: %[[NB:.*]] = arith.truncf %{{.*}} : f32 to bf16
// CHECK: %[[SB:.*]] = arith.select %[[SKIP]], %[[B]], %[[NB]] : bf16
// CHECK: linalg.yield %[[SP]], %[[SB]] : bf16, bf16
func.func @sgd_update_skip_selects_inputs_bf16(%p: tensor<4xbf16>, %g: tensor<4xbf16>, %b: tensor<4xbf16>, %lr: tensor<f32>, %skip: tensor<i1>) -> (tensor<4xbf16>, tensor<4xbf16>) {
  %p2, %b2 = lp.sgd_update %p, %g momentum_buffer %b lr %lr skip_if %skip {momentum = 0.9 : f64} : (tensor<4xbf16>, tensor<4xbf16>, tensor<4xbf16>, tensor<f32>, tensor<i1>) -> (tensor<4xbf16>, tensor<4xbf16>)
  return %p2, %b2 : tensor<4xbf16>, tensor<4xbf16>
}

// -----

// CHECK-LABEL: func.func @adam_update_skip_selects_inputs
// CHECK: %[[SKIP:.*]] = tensor.extract %arg6[] : tensor<i1>
// CHECK: linalg.generic
// CHECK: ^bb0(%{{.*}}: f32, %[[P:.*]]: f32, %[[M:.*]]: f32, %[[V:.*]]: f32):
// CHECK: arith.select %[[SKIP]], %[[P]], %{{.*}} : f32
// CHECK: arith.select %[[SKIP]], %[[M]], %{{.*}} : f32
// CHECK: arith.select %[[SKIP]], %[[V]], %{{.*}} : f32
func.func @adam_update_skip_selects_inputs(%p: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<4xf32>, %v: tensor<4xf32>, %t: tensor<i64>, %lr: tensor<f32>, %skip: tensor<i1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %p2, %m2, %v2 = lp.adam_update %p, %g, %m, %v count %t lr %lr skip_if %skip {beta1 = 0.9 : f64, beta2 = 0.999 : f64, eps = 1.0e-8 : f64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<i64>, tensor<f32>, tensor<i1>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p2, %m2, %v2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
