// RUN: lp-opt %s --split-input-file --lp-map-products-to-mma | FileCheck %s
// RUN: lp-opt %s --split-input-file --lp-map-products-to-mma | %mlir_opt --split-input-file > /dev/null
// RUN: lp-opt %s --split-input-file --lp-gpu-codegen="toolkit=%cuda_toolkit matmul=mma format=isa" | FileCheck %s --check-prefix=PTX
// RUN: lp-opt %s --split-input-file --lp-gpu-codegen="toolkit=%cuda_toolkit matmul=mma format=isa chip=sm_80" | FileCheck %s --check-prefix=PTX

// lp-map-products-to-mma (lib/Codegen/MapProductsToMma.cpp): an f16 or bf16
// product with an f32 result whose sizes are multiples of 16, 8 and 16 is
// one warp per 16x8 tile of C, stepping along k by 16 with mma.sync.

// f16, 32x16 result, k = 32: a grid of 16/8 x 32/16 blocks of 32 threads;
// lane l holds g = l / 4, t = l % 4; two steps of k.
// CHECK-LABEL: func.func @f16
// CHECK-DAG: %[[TWO:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[WARP:.*]] = arith.constant 32 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %[[BY:.*]], %{{.*}}) in (%{{.*}} = %[[TWO]]{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) threads(%[[LANE:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[WARP]]
// CHECK: %[[G:.*]] = arith.divui %[[LANE]], %{{.*}} : index
// CHECK: %[[T:.*]] = arith.remui %[[LANE]], %{{.*}} : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// Eight loads of A (its fragment), four of B.
// CHECK-COUNT-8: memref.load %arg0
// CHECK-COUNT-4: memref.load %arg1
// Registers of two f16, the first in the lower half.
// CHECK: arith.shli
// CHECK: llvm.bitcast %{{.*}} : i32 to vector<2xf16>
// CHECK: nvvm.mma.sync A[{{.*}}] B[{{.*}}] C[{{.*}}] {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (vector<2xf16>, vector<2xf16>, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// The four sums are added to C.
// CHECK-COUNT-4: memref.store %{{.*}}, %arg2
// CHECK-NOT: linalg.matmul
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
func.func @f16(%a: memref<32x32xf16>, %b: memref<32x16xf16>, %c: memref<32x16xf32>) {
  linalg.matmul ins(%a, %b : memref<32x32xf16>, memref<32x16xf16>) outs(%c : memref<32x16xf32>)
  return
}

// -----

// bf16 (nvvm.mma.sync directly, i32 registers), with A read transposed as
// a weight gradient reads X (the maps lp-fold-transpose-into-matmul
// gives): A's loads swap their indices (k first).
#ta = affine_map<(d0, d1, d2) -> (d2, d0)>
#b = affine_map<(d0, d1, d2) -> (d2, d1)>
#c = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @bf16_transposed_a
// CHECK: gpu.launch
// CHECK: scf.for %[[K0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: %[[KT:.*]] = arith.addi %[[K0]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: memref.load %arg0[%[[KT]], %[[ROW]]] : memref<32x16xbf16>
// CHECK-NOT: llvm.bitcast
// CHECK: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>{{.*}} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// PTX: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
func.func @bf16_transposed_a(%a: memref<32x16xbf16>, %b: memref<32x8xbf16>, %c: memref<16x8xf32>) {
  linalg.matmul indexing_maps = [#ta, #b, #c]
      ins(%a, %b : memref<32x16xbf16>, memref<32x8xbf16>) outs(%c : memref<16x8xf32>)
  return
}

// -----

// Left alone: m not a multiple of 16, an f32 product, mixed operand types,
// an empty product, a product inside a loop (lp-map-to-gpu would put the
// launch inside its own), and a generic contraction (only linalg.matmul's
// body is known to be C += A * B).
#map = affine_map<(d0, d1, d2) -> (d0, d2)>
#mbp = affine_map<(d0, d1, d2) -> (d2, d1)>
#mc = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: gpu.launch
// CHECK-COUNT-4: linalg.matmul
// CHECK: scf.for
// CHECK-NEXT: linalg.matmul
// CHECK: linalg.generic
func.func @left_alone(%a: memref<20x32xf16>, %b: memref<32x16xf16>, %c: memref<20x16xf32>,
                      %af: memref<32x32xf32>, %bf: memref<32x16xf32>, %cf: memref<32x16xf32>,
                      %ah: memref<32x32xf16>, %bb: memref<32x16xbf16>,
                      %ae: memref<0x32xf16>, %ce: memref<0x16xf32>, %bh: memref<32x16xf16>) {
  linalg.matmul ins(%a, %b : memref<20x32xf16>, memref<32x16xf16>) outs(%c : memref<20x16xf32>)
  linalg.matmul ins(%af, %bf : memref<32x32xf32>, memref<32x16xf32>) outs(%cf : memref<32x16xf32>)
  linalg.matmul ins(%ah, %bb : memref<32x32xf16>, memref<32x16xbf16>) outs(%cf : memref<32x16xf32>)
  linalg.matmul ins(%ae, %bh : memref<0x32xf16>, memref<32x16xf16>) outs(%ce : memref<0x16xf32>)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.matmul ins(%ah, %bh : memref<32x32xf16>, memref<32x16xf16>) outs(%cf : memref<32x16xf32>)
  }
  // exp(c + a * b): a contraction by its interface, not a product.
  linalg.generic {indexing_maps = [#map, #mbp, #mc], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%ah, %bh : memref<32x32xf16>, memref<32x16xf16>) outs(%cf : memref<32x16xf32>) {
  ^bb0(%x: f16, %y: f16, %z: f32):
    %xe = arith.extf %x : f16 to f32
    %ye = arith.extf %y : f16 to f32
    %m = arith.mulf %xe, %ye : f32
    %s = arith.addf %z, %m : f32
    %e = math.exp %s : f32
    linalg.yield %e : f32
  }
  return
}
