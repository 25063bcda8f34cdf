// The calling convention of a lowered train step, printed by lp-translate,
// and the symbols of an object compiled ahead of time.
// RUN: lp-opt %s --lp-build-train-step="optimizer=sgd lr=0.1 momentum=0.9" --lp-lower-to-llvm="inplace-results=1" \
// RUN:   | lp-translate --lp-print-signature | FileCheck %s
// RUN: lp-opt %s --lp-build-train-step --lp-lower-to-llvm="inplace-results=1" \
// RUN:   | lp-translate --lp-to-object -o %t.o
// RUN: readelf -sW %t.o | FileCheck %s --check-prefix=OBJ
// RUN: lp-opt %s --lp-build-train-step --lp-lower-to-llvm="inplace-results=1" \
// RUN:   | lp-translate --lp-to-object --target-cpu=native -o %t.native.o
// RUN: lp-opt %s --lp-lower-to-llvm="results-to-out-params=false" | not lp-translate --lp-print-signature 2>&1 | FileCheck %s --check-prefix=NONE
// RUN: lp-opt %s --lp-lower-to-llvm | not lp-translate --lp-to-object --target-cpu=no-such-cpu -o %t.bad.o 2>&1 \
// RUN:   | FileCheck %s --check-prefix=BADCPU

// lp-opt keeps the model function: its signature comes first.
// CHECK: "entry":"lp_entry_mlp","function":"mlp","lp_signature":1,"results":[{"dtype":"float32","name":"loss","role":"loss","shape":[]}]}
// The train step: parameters and momentum buffers are updated in place
// (inplace_arg); the new step count and the losses come back as
// out-parameters. State is in the order it was registered: `step` by
// lp-build-gradients, then the momentum buffers by lp-apply-optimizer.
// CHECK-NEXT: {"args":[{"dtype":"float32","init":{"a":0,"b":0,"kind":"glorot_uniform"},"name":"w","role":"param","shape":[4,3]},
// CHECK-SAME: {"dtype":"int64","init":{"a":0,"b":0,"kind":"constant"},"name":"step","role":"state","shape":[]},
// CHECK-SAME: {"dtype":"float32","init":{"a":0,"b":0,"kind":"constant"},"name":"w.sgd.momentum","role":"state","shape":[4,3]},
// CHECK-SAME: {"dtype":"int64","index_bound":3,"name":"y","role":"label","shape":[8]}],
// CHECK-SAME: "entry":"lp_entry_mlp_train_step","function":"mlp_train_step","lp_signature":1,
// CHECK-SAME: "results":[{"dtype":"float32","inplace_arg":0,"name":"w","role":"state","shape":[4,3]},
// CHECK-SAME: {"dtype":"int64","name":"step","role":"state","shape":[]},
// CHECK-SAME: {"dtype":"float32","inplace_arg":3,"name":"w.sgd.momentum","role":"state","shape":[4,3]},
// CHECK-SAME: {"dtype":"float32","name":"loss","role":"loss","shape":[]},{"dtype":"float32","name":"loss.total","role":"loss_total","shape":[]}],"step_counter":2}
// The eval function returns the logits.
// CHECK-NEXT: "entry":"lp_entry_mlp_eval","function":"mlp_eval"
// CHECK-SAME: {"dtype":"float32","name":"logits.y","role":"logits","shape":[8,3]}

// OBJ-DAG: GLOBAL DEFAULT {{.*}} lp_signature_mlp_train_step
// OBJ-DAG: GLOBAL DEFAULT {{.*}} lp_entry_mlp_train_step
// OBJ-DAG: GLOBAL DEFAULT {{.*}} lp_entry_points
// OBJ-DAG: UND cblas_sgemm

// NONE: error: no lp_signature_ symbols: lower the module with lp-lower-to-llvm first
// BADCPU: error: lp-to-object:

func.func @mlp(%w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
               %b: tensor<3xf32> {lp.role = "param", lp.name = "b", lp.init = "zeros"},
               %x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8xi64> {lp.role = "label", lp.name = "y"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %h, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
