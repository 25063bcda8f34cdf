// RUN: lp-opt %s --lp-reassociate-reductions | FileCheck %s

// lp-reassociate-reductions (lib/Codegen/ReassociateReductions.cpp): the
// float add accumulating into a reduction's output gets fastmath<reassoc>
// (so LLVM may vectorise the running sum); other adds, and generics without
// reduction loops, keep their flags.

// CHECK-LABEL: func.func @row_sum
// CHECK: %[[SQ:.*]] = arith.addf %in, %in : f32
// CHECK: arith.addf %out, %[[SQ]] fastmath<reassoc> : f32
func.func @row_sum(%x: memref<4x8xf32>, %s: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<4x8xf32>) outs(%s : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %d = arith.addf %in, %in : f32
    %a = arith.addf %out, %d : f32
    linalg.yield %a : f32
  }
  return
}

// CHECK-LABEL: func.func @elementwise_untouched
// CHECK: arith.addf %in, %out : f32
// CHECK-NOT: reassoc
func.func @elementwise_untouched(%x: memref<4xf32>, %y: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%x : memref<4xf32>) outs(%y : memref<4xf32>) {
  ^bb0(%in: f32, %out: f32):
    %a = arith.addf %in, %out : f32
    linalg.yield %a : f32
  }
  return
}
