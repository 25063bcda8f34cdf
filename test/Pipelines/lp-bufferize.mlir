// RUN: lp-opt %s --lp-bufferize | FileCheck %s --implicit-check-not=tensor
// RUN: lp-opt %s --lp-bufferize | %mlir_opt > /dev/null
// RUN: lp-opt %s --lp-bufferize="results-to-out-params=false" | FileCheck %s --check-prefix=RESULTS
// RUN: lp-opt %s --lp-bufferize="inplace-results" | FileCheck %s --check-prefix=INPLACE

// An SGD-like step on tensors: the update writes the weights in place, the
// loss is a fresh value. By default both results come back through
// caller-allocated out-parameters, and the loss is computed in its
// out-parameter (lp-fold-result-copies), not copied there.
// CHECK-LABEL: func.func @sgd_step
// CHECK-SAME: (%[[W:.*]]: memref<4xf32>, %[[G:.*]]: memref<4xf32>, %[[NEW:.*]]: memref<4xf32>, %[[LOSS:.*]]: memref<f32>) {
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} ins(%[[G]] : memref<4xf32>) outs(%[[W]] : memref<4xf32>)
// CHECK: linalg.fill {{.*}} outs(%[[LOSS]] : memref<f32>)
// CHECK: linalg.generic {{.*}} ins(%[[G]] : memref<4xf32>) outs(%[[LOSS]] : memref<f32>)
// CHECK: memref.copy %[[W]], %[[NEW]]
// CHECK: return{{$}}

// Without out-parameters the results are returned buffers.
// RESULTS-LABEL: func.func @sgd_step
// RESULTS-SAME: -> (memref<4xf32>, memref<f32>)
// RESULTS: memref.alloc

// With inplace-results the updated weights are no result at all: the
// attribute records that result 0 is argument 0 (lp-run --train).
// INPLACE-LABEL: func.func @sgd_step
// INPLACE-SAME: (%[[W:.*]]: memref<4xf32>, %[[G:.*]]: memref<4xf32>, %[[LOSS:.*]]: memref<f32>)
// INPLACE-SAME: lp.inplace_results = array<i64: 0, -1>
// INPLACE-NOT: memref.copy
// INPLACE: return{{$}}
#id = affine_map<(d0) -> (d0)>
#sum = affine_map<(d0) -> ()>
func.func @sgd_step(%w: tensor<4xf32>, %g: tensor<4xf32>) -> (tensor<4xf32>, tensor<f32>) {
  %new = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%g : tensor<4xf32>) outs(%w : tensor<4xf32>) {
  ^bb0(%gi: f32, %wi: f32):
    %n = arith.subf %wi, %gi : f32
    linalg.yield %n : f32
  } -> tensor<4xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<f32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<f32>) -> tensor<f32>
  %loss = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["reduction"]}
      ins(%g : tensor<4xf32>) outs(%acc : tensor<f32>) {
  ^bb0(%gi: f32, %a: f32):
    %s = arith.addf %a, %gi : f32
    linalg.yield %s : f32
  } -> tensor<f32>
  return %new, %loss : tensor<4xf32>, tensor<f32>
}
