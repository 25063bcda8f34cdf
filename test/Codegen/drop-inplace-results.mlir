// RUN: lp-opt %s --lp-drop-inplace-results --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-drop-inplace-results --split-input-file | %mlir_opt --split-input-file > /dev/null

// lp-drop-inplace-results (lib/Codegen/DropInplaceResults.cpp): a public
// function's results that are its own memref arguments (updated in place)
// are dropped, and lp.inplace_results records, per original result, the
// argument that holds it (-1: still returned).

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[W:.*]]: memref<4xf32>, %[[G:.*]]: memref<4xf32>) -> memref<f32>
// CHECK-SAME: lp.inplace_results = array<i64: 0, -1>
// CHECK: return %{{.*}} : memref<f32>
func.func @step(%w: memref<4xf32>, %g: memref<4xf32>) -> (memref<4xf32>, memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%g : memref<4xf32>) outs(%w : memref<4xf32>) {
  ^bb0(%gi: f32, %wi: f32):
    %n = arith.subf %wi, %gi : f32
    linalg.yield %n : f32
  }
  %loss = memref.alloc() : memref<f32>
  return %w, %loss : memref<4xf32>, memref<f32>
}

// -----

// Through a memref.cast too; a result that is a fresh buffer stays, and a
// function with nothing in place is untouched (no attribute).
// CHECK-LABEL: func.func @cast_and_fresh
// CHECK-SAME: -> memref<2xf32>
// CHECK-SAME: lp.inplace_results = array<i64: -1, 0>
// CHECK-LABEL: func.func @nothing_in_place
// CHECK-NOT: lp.inplace_results
func.func @cast_and_fresh(%w: memref<2xf32>) -> (memref<2xf32>, memref<?xf32>) {
  %fresh = memref.alloc() : memref<2xf32>
  %c = memref.cast %w : memref<2xf32> to memref<?xf32>
  return %fresh, %c : memref<2xf32>, memref<?xf32>
}
func.func @nothing_in_place(%w: memref<2xf32>) -> memref<2xf32> {
  %fresh = memref.alloc() : memref<2xf32>
  return %fresh : memref<2xf32>
}

// -----

// Private functions (callers would see their results change) are left alone.
// CHECK-LABEL: func.func private @helper
// CHECK-SAME: -> memref<2xf32>
// CHECK-NOT: lp.inplace_results
func.func private @helper(%w: memref<2xf32>) -> memref<2xf32> {
  return %w : memref<2xf32>
}
