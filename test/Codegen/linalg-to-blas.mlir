// RUN: lp-opt %s --lp-linalg-to-blas --split-input-file | FileCheck %s
// The result is upstream IR (func, arith, memref, scf, llvm): mlir-opt
// parses and verifies it and prints it back unchanged.
// RUN: lp-opt %s --lp-linalg-to-blas --split-input-file | %mlir_opt --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-linalg-to-blas="min-size=160" --split-input-file | FileCheck %s --check-prefix=MIN
// RUN: lp-opt %s --lp-linalg-to-blas="parallel-batches=1 parallel-batches-below=161" --split-input-file | FileCheck %s --check-prefix=PAR
// RUN: lp-opt %s --lp-linalg-to-blas="split-min=4096 threads=2" --split-input-file | FileCheck %s --check-prefix=SPLIT
// RUN: lp-opt %s --lp-linalg-to-blas="split-min=4096 threads=3" --split-input-file | FileCheck %s --check-prefix=SPLIT3
// RUN: lp-opt %s --lp-linalg-to-blas="split-min=4096" --split-input-file | FileCheck %s --check-prefix=RUNTIME

// lp-linalg-to-blas (lib/Codegen/LinalgToBlas.cpp): a linalg.matmul or
// linalg.batch_matmul on f32 memrefs with contiguous rows becomes a call to
// cblas_sgemm(layout, transA, transB, m, n, k, alpha, A, lda, B, ldb, beta, C,
// ldc) with layout = CblasRowMajor (101), transA/transB = CblasNoTrans (111)
// or CblasTrans (112) from the indexing maps, alpha = 1, the leading
// dimensions read from the memrefs' row strides, and beta = 0 when the result
// was zero-filled right before (the fill is erased), beta = 1 otherwise
// (linalg accumulates). A batch_matmul is an scf.for with one call per batch.
//
// Left to the vectoriser: f64 or mixed element types, broadcast maps, an
// innermost stride other than 1, dynamic shapes, tensors, and (MIN) products
// with m*n*k below min-size.

// CHECK: func.func private @cblas_sgemm(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32)
// CHECK-LABEL: func.func @matmul_after_zero_fill
// CHECK-NOT: linalg.fill
// CHECK: %[[LAYOUT:.*]] = arith.constant 101 : i32
// CHECK-NEXT: %[[TA:.*]] = arith.constant 111 : i32
// CHECK-NEXT: %[[TB:.*]] = arith.constant 111 : i32
// CHECK-NEXT: %[[M:.*]] = arith.constant 64 : i32
// CHECK-NEXT: %[[N:.*]] = arith.constant 10 : i32
// CHECK-NEXT: %[[K:.*]] = arith.constant 128 : i32
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// The address of A is its aligned pointer plus 4 * offset; lda is its row
// stride.
// CHECK: %[[BASE_A:[a-z0-9_]+]], %[[OFF_A:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[STRIDES_A:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg0 : memref<64x128xf32>
// CHECK-NEXT: %[[BUF_A:.*]] = memref.extract_aligned_pointer_as_index %[[BASE_A]]
// CHECK-NEXT: %[[FOUR:.*]] = arith.constant 4 : index
// CHECK-NEXT: %[[BYTES_A:.*]] = arith.muli %[[OFF_A]], %[[FOUR]] : index
// CHECK-NEXT: %[[ADDR_A:.*]] = arith.addi %[[BUF_A]], %[[BYTES_A]] : index
// CHECK-NEXT: %[[I64_A:.*]] = arith.index_cast %[[ADDR_A]] : index to i64
// CHECK-NEXT: %[[PTR_A:.*]] = llvm.inttoptr %[[I64_A]] : i64 to !llvm.ptr
// CHECK-NEXT: %[[LDA:.*]] = arith.index_cast %[[STRIDES_A]]#0 : index to i32
// CHECK: %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}:2, %[[STRIDES_B:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg1 : memref<128x10xf32>
// CHECK: %[[PTR_B:.*]] = llvm.inttoptr
// CHECK-NEXT: %[[LDB:.*]] = arith.index_cast %[[STRIDES_B]]#0 : index to i32
// CHECK: %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}:2, %[[STRIDES_C:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg2 : memref<64x10xf32>
// CHECK: %[[PTR_C:.*]] = llvm.inttoptr
// CHECK-NEXT: %[[LDC:.*]] = arith.index_cast %[[STRIDES_C]]#0 : index to i32
// CHECK-NEXT: call @cblas_sgemm(%[[LAYOUT]], %[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %[[ALPHA]], %[[PTR_A]], %[[LDA]], %[[PTR_B]], %[[LDB]], %[[BETA]], %[[PTR_C]], %[[LDC]])
// CHECK-NOT: linalg.matmul
// CHECK: return
func.func @matmul_after_zero_fill(%a: memref<64x128xf32>, %b: memref<128x10xf32>, %c: memref<64x10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// CHECK-LABEL: func.func @matmul_without_fill_accumulates
// CHECK: %[[ALPHA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: call @cblas_sgemm({{(%[a-z0-9_]+, ){6}%}}[[ALPHA]], {{(%[a-z0-9_]+, ){4}%}}[[BETA]],
// CHECK-NOT: linalg.matmul
func.func @matmul_without_fill_accumulates(%a: memref<64x128xf32>, %b: memref<128x10xf32>, %c: memref<64x10xf32>) {
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// Only a fill of zero, of the result, immediately before the matmul becomes
// beta = 0. A fill of another value stays...
// CHECK-LABEL: func.func @nonzero_fill_is_kept
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2 : memref<64x10xf32>)
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: call @cblas_sgemm({{(%[a-z0-9_]+, ){11}%}}[[BETA]],
func.func @nonzero_fill_is_kept(%a: memref<64x128xf32>, %b: memref<128x10xf32>, %c: memref<64x10xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<64x10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// ...and so do a zero fill of the result with another op in between and a zero
// fill of another buffer.
// CHECK-LABEL: func.func @zero_fill_not_right_before_is_kept
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg2 : memref<64x10xf32>)
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%arg3 : memref<10xf32>)
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: call @cblas_sgemm({{(%[a-z0-9_]+, ){11}%}}[[BETA]],
func.func @zero_fill_not_right_before_is_kept(%a: memref<64x128xf32>, %b: memref<128x10xf32>, %c: memref<64x10xf32>, %d: memref<10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
  linalg.fill ins(%zero : f32) outs(%d : memref<10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// dW = X^T dY and dX = dY W^T as lp-fold-transpose-into-matmul leaves them:
// the transposed operand is CblasTrans, and its leading dimension is still
// the row stride of the stored (untransposed) matrix.
// CHECK-LABEL: func.func @transposed_lhs
// CHECK: %[[LAYOUT:.*]] = arith.constant 101 : i32
// CHECK-NEXT: %[[TA:.*]] = arith.constant 112 : i32
// CHECK-NEXT: %[[TB:.*]] = arith.constant 111 : i32
// CHECK-NEXT: %[[M:.*]] = arith.constant 32 : i32
// CHECK-NEXT: %[[N:.*]] = arith.constant 16 : i32
// CHECK-NEXT: %[[K:.*]] = arith.constant 64 : i32
// CHECK: %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}:2, %[[STRIDES_A:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg0 : memref<64x32xf32>
// CHECK: %[[LDA:.*]] = arith.index_cast %[[STRIDES_A]]#0 : index to i32
// CHECK: call @cblas_sgemm(%[[LAYOUT]], %[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %[[LDA]],
func.func @transposed_lhs(%x: memref<64x32xf32>, %dy: memref<64x16xf32>, %dw: memref<32x16xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%x, %dy : memref<64x32xf32>, memref<64x16xf32>) outs(%dw : memref<32x16xf32>)
  return
}

// CHECK-LABEL: func.func @transposed_rhs
// CHECK: arith.constant 101 : i32
// CHECK-NEXT: arith.constant 111 : i32
// CHECK-NEXT: arith.constant 112 : i32
// CHECK-NEXT: arith.constant 8 : i32
// CHECK-NEXT: arith.constant 5 : i32
// CHECK-NEXT: arith.constant 4 : i32
// CHECK: call @cblas_sgemm
func.func @transposed_rhs(%dy: memref<8x4xf32>, %w: memref<5x4xf32>, %dx: memref<8x5xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%dy, %w : memref<8x4xf32>, memref<5x4xf32>) outs(%dx : memref<8x5xf32>)
  return
}

// CHECK-LABEL: func.func @both_transposed
// CHECK: arith.constant 101 : i32
// CHECK-NEXT: arith.constant 112 : i32
// CHECK-NEXT: arith.constant 112 : i32
// CHECK: call @cblas_sgemm
func.func @both_transposed(%a: memref<128x64xf32>, %b: memref<10x128xf32>, %c: memref<64x10xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<128x64xf32>, memref<10x128xf32>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// Rows need not be packed: a view with a row stride of 16 and an offset is
// fine, as long as the innermost stride is 1.
// CHECK-LABEL: func.func @strided_rows_and_offset
// CHECK: %[[BASE_A:[a-z0-9_]+]], %[[OFF_A:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[STRIDES_A:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg0 : memref<4x8xf32, strided<[16, 1], offset: 3>>
// CHECK: arith.muli %[[OFF_A]],
// CHECK: %[[LDA:.*]] = arith.index_cast %[[STRIDES_A]]#0 : index to i32
// CHECK: call @cblas_sgemm({{(%[a-z0-9_]+, ){8}%}}[[LDA]],
func.func @strided_rows_and_offset(%a: memref<4x8xf32, strided<[16, 1], offset: 3>>, %b: memref<8x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32, strided<[16, 1], offset: 3>>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// The constants are built once, before the loop; inside it each operand is
// advanced by iv * its batch stride and lda/ldb/ldc are the middle strides.
// CHECK-LABEL: func.func @batch_matmul_loops_over_batches
// CHECK-NOT: linalg.fill
// CHECK: %[[LAYOUT:.*]] = arith.constant 101 : i32
// CHECK-NEXT: %[[TA:.*]] = arith.constant 111 : i32
// CHECK-NEXT: %[[TB:.*]] = arith.constant 111 : i32
// CHECK-NEXT: %[[M:.*]] = arith.constant 4 : i32
// CHECK-NEXT: %[[N:.*]] = arith.constant 5 : i32
// CHECK-NEXT: %[[K:.*]] = arith.constant 8 : i32
// CHECK-NEXT: %[[ALPHA:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[BETA:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[C0:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[C1:.*]] = arith.constant 1 : index
// CHECK-NEXT: %[[C6:.*]] = arith.constant 6 : index
// CHECK-NEXT: scf.for %[[IV:.*]] = %[[C0]] to %[[C6]] step %[[C1]] {
// CHECK-NEXT: %[[BASE_A:[a-z0-9_]+]], %[[OFF_A:[a-z0-9_]+]], %{{[a-z0-9_]+}}:3, %[[STRIDES_A:[a-z0-9_]+]]:3 = memref.extract_strided_metadata %arg0 : memref<6x4x8xf32>
// CHECK-NEXT: %[[BUF_A:.*]] = memref.extract_aligned_pointer_as_index %[[BASE_A]]
// CHECK-NEXT: %[[SKIP_A:.*]] = arith.muli %[[IV]], %[[STRIDES_A]]#0 : index
// CHECK-NEXT: %[[ELEMS_A:.*]] = arith.addi %[[OFF_A]], %[[SKIP_A]] : index
// CHECK: %[[LDA:.*]] = arith.index_cast %[[STRIDES_A]]#1 : index to i32
// CHECK: memref.extract_strided_metadata %arg1 : memref<6x8x5xf32>
// CHECK: memref.extract_strided_metadata %arg2 : memref<6x4x5xf32>
// CHECK: func.call @cblas_sgemm(%[[LAYOUT]], %[[TA]], %[[TB]], %[[M]], %[[N]], %[[K]], %[[ALPHA]], %{{[a-z0-9_]+}}, %[[LDA]], {{(%[a-z0-9_]+, ){2}%}}[[BETA]],
// CHECK-NEXT: }
// CHECK-NOT: linalg.batch_matmul
// CHECK: return
func.func @batch_matmul_loops_over_batches(%a: memref<6x4x8xf32>, %b: memref<6x8x5xf32>, %c: memref<6x4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<6x4x5xf32>)
  linalg.batch_matmul ins(%a, %b : memref<6x4x8xf32>, memref<6x8x5xf32>) outs(%c : memref<6x4x5xf32>)
  return
}

// -----

// Attention scores Q K^T after lp-fold-transpose-into-matmul: B is CblasTrans
// in every batch.
// CHECK-LABEL: func.func @batch_matmul_transposed_rhs
// CHECK: arith.constant 101 : i32
// CHECK-NEXT: arith.constant 111 : i32
// CHECK-NEXT: arith.constant 112 : i32
// CHECK: scf.for
// CHECK: func.call @cblas_sgemm
func.func @batch_matmul_transposed_rhs(%q: memref<2x8x4xf32>, %k: memref<2x8x4xf32>, %s: memref<2x8x8xf32>) {
  linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>]
    ins(%q, %k : memref<2x8x4xf32>, memref<2x8x4xf32>) outs(%s : memref<2x8x8xf32>)
  return
}

// -----

// Two matmuls share one declaration.
// CHECK: func.func private @cblas_sgemm
// CHECK-NOT: func.func private @cblas_sgemm
// CHECK-LABEL: func.func @two_matmuls_one_declaration
// CHECK-COUNT-2: call @cblas_sgemm
// CHECK-NOT: call @cblas_sgemm
func.func @two_matmuls_one_declaration(%a: memref<4x8xf32>, %b: memref<8x5xf32>, %c: memref<4x5xf32>, %d: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x5xf32>) outs(%d : memref<4x5xf32>)
  return
}

// -----

// bf16 and f16 operands accumulated in f32 (how lp.matmul lowers them)
// call the runtime's lp_gemm_bf16 / lp_gemm_f16, with cblas_sgemm's
// arguments; their addresses advance by 2 bytes per element.
// CHECK-DAG: func.func private @lp_gemm_bf16(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32)
// CHECK-DAG: func.func private @lp_gemm_f16(i32, i32, i32, i32, i32, i32, f32, !llvm.ptr, i32, !llvm.ptr, i32, f32, !llvm.ptr, i32)
// CHECK-LABEL: func.func @bf16_product
// CHECK: memref.extract_strided_metadata %arg0 : memref<64x128xbf16>
// CHECK: %[[TWO:.*]] = arith.constant 2 : index
// CHECK: arith.muli %{{.*}}, %[[TWO]] : index
// CHECK: memref.extract_strided_metadata %arg2 : memref<64x10xf32>
// CHECK: %[[FOUR:.*]] = arith.constant 4 : index
// CHECK: call @lp_gemm_bf16(
// CHECK-NOT: linalg.matmul
func.func @bf16_product(%a: memref<64x128xbf16>, %b: memref<128x10xbf16>, %c: memref<64x10xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
  linalg.matmul ins(%a, %b : memref<64x128xbf16>, memref<128x10xbf16>) outs(%c : memref<64x10xf32>)
  return
}
// CHECK-LABEL: func.func @f16_product_transposed_b
// CHECK: call @lp_gemm_f16(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
func.func @f16_product_transposed_b(%a: memref<64x128xf16>, %b: memref<10x128xf16>, %c: memref<64x10xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<64x128xf16>, memref<10x128xf16>) outs(%c : memref<64x10xf32>)
  return
}

// -----

// Not a library product: f64, mixed input types, a bf16 result, a broadcast (1-D) operand, an
// innermost stride of 2, a dynamic size, and tensors.
// CHECK-NOT: cblas_sgemm
// CHECK-LABEL: func.func @f64_is_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<4x8xf64>, memref<8x5xf64>)
func.func @f64_is_left(%a: memref<4x8xf64>, %b: memref<8x5xf64>, %c: memref<4x5xf64>) {
  linalg.matmul ins(%a, %b : memref<4x8xf64>, memref<8x5xf64>) outs(%c : memref<4x5xf64>)
  return
}

// CHECK-LABEL: func.func @mixed_inputs_are_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<4x8xf16>, memref<8x5xf32>) outs(%arg2 : memref<4x5xf32>)
func.func @mixed_inputs_are_left(%a: memref<4x8xf16>, %b: memref<8x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf16>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// CHECK-LABEL: func.func @lowp_result_is_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<4x8xbf16>, memref<8x5xbf16>) outs(%arg2 : memref<4x5xbf16>)
func.func @lowp_result_is_left(%a: memref<4x8xbf16>, %b: memref<8x5xbf16>, %c: memref<4x5xbf16>) {
  linalg.matmul ins(%a, %b : memref<4x8xbf16>, memref<8x5xbf16>) outs(%c : memref<4x5xbf16>)
  return
}

// CHECK-LABEL: func.func @broadcast_lhs_is_left
// CHECK: linalg.matmul indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}] ins(%arg0, %arg1 : memref<8xf32>, memref<8x5xf32>)
func.func @broadcast_lhs_is_left(%a: memref<8xf32>, %b: memref<8x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k)>, affine_map<(m, n, k) -> (k, n)>, affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<8xf32>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// CHECK-LABEL: func.func @inner_stride_two_is_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<4x8xf32, strided<[16, 2]>>, memref<8x5xf32>)
func.func @inner_stride_two_is_left(%a: memref<4x8xf32, strided<[16, 2]>>, %b: memref<8x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32, strided<[16, 2]>>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// CHECK-LABEL: func.func @dynamic_size_is_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : memref<?x8xf32>, memref<8x5xf32>)
func.func @dynamic_size_is_left(%a: memref<?x8xf32>, %b: memref<8x5xf32>, %c: memref<?x5xf32>) {
  linalg.matmul ins(%a, %b : memref<?x8xf32>, memref<8x5xf32>) outs(%c : memref<?x5xf32>)
  return
}

// CHECK-LABEL: func.func @tensors_are_left
// CHECK: linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x5xf32>)
func.func @tensors_are_left(%a: tensor<4x8xf32>, %b: tensor<8x5xf32>, %c: tensor<4x5xf32>) -> tensor<4x5xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x5xf32>) outs(%c : tensor<4x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// -----

// min-size compares m*n*k (per batch): 4*5*8 = 160 is not below 160 and
// becomes a call; 4*5*7 = 140 is below it, so the matmul and its zero fill
// stay. Without the option every f32 matmul is a call.
// MIN-LABEL: func.func @at_min_size
// MIN: call @cblas_sgemm
// MIN-LABEL: func.func @below_min_size
// MIN: linalg.fill
// MIN-NEXT: linalg.matmul ins(%arg0, %arg1 : memref<4x7xf32>, memref<7x5xf32>)
// MIN-NOT: call @cblas_sgemm
// CHECK-LABEL: func.func @at_min_size
// CHECK: call @cblas_sgemm
// CHECK-LABEL: func.func @below_min_size
// CHECK-NOT: linalg.fill
// CHECK: call @cblas_sgemm
func.func @at_min_size(%a: memref<4x8xf32>, %b: memref<8x5xf32>, %c: memref<4x5xf32>) {
  linalg.matmul ins(%a, %b : memref<4x8xf32>, memref<8x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

func.func @below_min_size(%a: memref<4x7xf32>, %b: memref<7x5xf32>, %c: memref<4x5xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<4x5xf32>)
  linalg.matmul ins(%a, %b : memref<4x7xf32>, memref<7x5xf32>) outs(%c : memref<4x5xf32>)
  return
}

// -----

// With parallel-batches, the products of a batch_matmul below the limit
// (4*5*8 = 160 multiply-adds here) are an scf.parallel over the batch (an
// OpenMP loop once lowered); larger ones stay an scf.for.
// Without the option both are loops.
// CHECK-LABEL: func.func @small_batch_products_in_parallel
// CHECK: scf.for
// MIN-LABEL: func.func @small_batch_products_in_parallel
// PAR-LABEL: func.func @small_batch_products_in_parallel
// PAR: scf.parallel (%[[IV:.*]]) =
// PAR: func.call @cblas_sgemm
// PAR-LABEL: func.func @large_batch_products_in_sequence
// PAR: scf.for
// PAR: func.call @cblas_sgemm
// PAR-NOT: scf.parallel
func.func @small_batch_products_in_parallel(%a: memref<6x4x8xf32>, %b: memref<6x8x5xf32>, %c: memref<6x4x5xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<6x4x8xf32>, memref<6x8x5xf32>) outs(%c : memref<6x4x5xf32>)
  return
}
func.func @large_batch_products_in_sequence(%a: memref<6x4x9xf32>, %b: memref<6x9x5xf32>, %c: memref<6x4x5xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<6x4x9xf32>, memref<6x9x5xf32>) outs(%c : memref<6x4x5xf32>)
  return
}

// -----

// With split-min, a product of at least that many multiply-adds is cut along
// the longer of m and n into `threads` blocks (sizes rounded up to multiples
// of 16, the last one shorter), an scf.parallel over blocks whose calls get
// the block's length as m or n and pointers advanced to the block's first
// row of A and C (split along m) or first column of B and C (along n); a
// transposed operand advances along the other axis. 40x8x16 = 5120 >= 4096:
// split along m (40 > 8) into 2 blocks of 32 rows (40 / 2 = 20, rounded up
// to 32); with threads=3, 3 blocks of 16 (40 / 3 -> 14 -> 16). 8x40x16 is
// split along n; 8x8x16 = 1024 and too short to split stays one call.
// SPLIT-LABEL: func.func @split_along_m
// SPLIT: %[[C32:.*]] = arith.constant 32 : index
// SPLIT: %[[N2:.*]] = arith.constant 2 : index
// SPLIT: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[N2]])
// SPLIT: %[[C40:.*]] = arith.constant 40 : index
// SPLIT: %[[FIRST:.*]] = arith.muli %[[I]], %[[C32]]
// SPLIT: %[[REST:.*]] = arith.subi %[[C40]], %[[FIRST]]
// SPLIT: %[[LEN:.*]] = arith.minsi %[[C32]], %[[REST]]
// SPLIT: %[[M:.*]] = arith.index_cast %[[LEN]] : index to i32
// A[first, 0]: offset + first * lda.
// SPLIT: %{{[a-z0-9_]+}}, %[[AOFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[ASTR:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg0
// SPLIT: %[[AROW:.*]] = arith.muli %[[FIRST]], %[[ASTR]]#0
// SPLIT: arith.addi %[[AOFF]], %[[AROW]]
// B is not advanced.
// SPLIT: %{{[a-z0-9_]+}}, %[[BOFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %{{[a-z0-9_]+}}:2 = memref.extract_strided_metadata %arg1
// SPLIT-NOT: arith.addi %[[BOFF]]
// SPLIT: %{{[a-z0-9_]+}}, %[[COFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[CSTR:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg2
// SPLIT: %[[CROW:.*]] = arith.muli %[[FIRST]], %[[CSTR]]#0
// SPLIT: arith.addi %[[COFF]], %[[CROW]]
// SPLIT: func.call @cblas_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %[[M]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// SPLIT3-LABEL: func.func @split_along_m
// SPLIT3: arith.constant 16 : index
// SPLIT3: %[[N3:.*]] = arith.constant 3 : index
// SPLIT3: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[N3]])
// With threads=0 (the default) the runtime says how many threads there are
// when the step runs: size = roundup(ceil(40 / t), 16), count = ceil(40 /
// size); one block is one plain call (on all of BLAS's threads).
// RUNTIME-DAG: func.func private @lp_num_threads() -> index
// RUNTIME-LABEL: func.func @split_along_m
// RUNTIME-DAG: %[[C40:.*]] = arith.constant 40 : index
// RUNTIME-DAG: %[[C16:.*]] = arith.constant 16 : index
// RUNTIME-DAG: %[[ONE:.*]] = arith.constant 1 : index
// RUNTIME: %[[T:.*]] = call @lp_num_threads() : () -> index
// RUNTIME: %[[PER:.*]] = arith.ceildivui %[[C40]], %[[T]] : index
// RUNTIME: %[[TILES:.*]] = arith.ceildivui %[[PER]], %[[C16]] : index
// RUNTIME: %[[SIZE:.*]] = arith.muli %[[TILES]], %[[C16]] : index
// RUNTIME: %[[COUNT:.*]] = arith.ceildivui %[[C40]], %[[SIZE]] : index
// RUNTIME: %[[SEVERAL:.*]] = arith.cmpi ugt, %[[COUNT]], %[[ONE]] : index
// RUNTIME: scf.if %[[SEVERAL]] {
// RUNTIME: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[COUNT]])
// RUNTIME: arith.muli %[[I]], %[[SIZE]]
// RUNTIME: call @cblas_sgemm
// RUNTIME: } else {
// RUNTIME: call @cblas_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %c40_i32,
// RUNTIME: return
func.func @split_along_m(%a: memref<40x16xf32>, %b: memref<16x8xf32>, %c: memref<40x8xf32>) {
  linalg.matmul ins(%a, %b : memref<40x16xf32>, memref<16x8xf32>) outs(%c : memref<40x8xf32>)
  return
}

// Along n with B transposed (stored n x k): B advances by rows, C by columns.
// SPLIT-LABEL: func.func @split_along_n_transposed_b
// SPLIT: scf.parallel (%[[I:.*]]) =
// SPLIT: %[[FIRST:.*]] = arith.muli %[[I]], %{{.*}}
// SPLIT: %[[N:.*]] = arith.index_cast %{{.*}} : index to i32
// SPLIT: %{{[a-z0-9_]+}}, %[[AOFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %{{[a-z0-9_]+}}:2 = memref.extract_strided_metadata %arg0
// SPLIT-NOT: arith.addi %[[AOFF]]
// SPLIT: %{{[a-z0-9_]+}}, %[[BOFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %[[BSTR:[a-z0-9_]+]]:2 = memref.extract_strided_metadata %arg1
// SPLIT: %[[BROW:.*]] = arith.muli %[[FIRST]], %[[BSTR]]#0
// SPLIT: arith.addi %[[BOFF]], %[[BROW]]
// SPLIT: %{{[a-z0-9_]+}}, %[[COFF:[a-z0-9_]+]], %{{[a-z0-9_]+}}:2, %{{[a-z0-9_]+}}:2 = memref.extract_strided_metadata %arg2
// SPLIT: arith.addi %[[COFF]], %[[FIRST]]
// SPLIT: func.call @cblas_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[N]],
func.func @split_along_n_transposed_b(%a: memref<8x16xf32>, %b: memref<40x16xf32>, %c: memref<8x40xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                 affine_map<(m, n, k) -> (n, k)>,
                                 affine_map<(m, n, k) -> (m, n)>]
    ins(%a, %b : memref<8x16xf32>, memref<40x16xf32>) outs(%c : memref<8x40xf32>)
  return
}

// SPLIT-LABEL: func.func @too_small_to_split
// SPLIT-NOT: scf.parallel
// SPLIT: call @cblas_sgemm
// SPLIT-NOT: scf.parallel
// SPLIT: return
func.func @too_small_to_split(%a: memref<8x16xf32>, %b: memref<16x8xf32>, %c: memref<8x8xf32>) {
  linalg.matmul ins(%a, %b : memref<8x16xf32>, memref<16x8xf32>) outs(%c : memref<8x8xf32>)
  return
}
