// RUN: lp-opt %s --split-input-file --lp-record-signature | FileCheck %s

// The signature document of a model: names, roles, dtypes, shapes, the
// initialisers of parameters (zeros without lp.init), the label's bound
// from the cross entropy that uses it, and result roles (an f32 scalar is
// a loss; a tensor result is an output). Keys are sorted.
// CHECK-LABEL: func.func @model
// CHECK-SAME: lp.signature = "{\22args\22:[
// CHECK-SAME: {\22dtype\22:\22float32\22,\22name\22:\22x\22,\22role\22:\22input\22,\22shape\22:[2,3]}
// CHECK-SAME: {\22dtype\22:\22int64\22,\22index_bound\22:4,\22name\22:\22y\22,\22role\22:\22label\22,\22shape\22:[2]}
// CHECK-SAME: {\22dtype\22:\22float32\22,\22init\22:{\22a\22:0,\22b\22:0.5,\22kind\22:\22normal\22},\22name\22:\22w\22,\22role\22:\22param\22,\22shape\22:[3,4]}
// CHECK-SAME: {\22dtype\22:\22float32\22,\22init\22:{\22a\22:0,\22b\22:0,\22kind\22:\22constant\22},\22name\22:\22b\22,\22role\22:\22param\22,\22shape\22:[4]}
// CHECK-SAME: \22function\22:\22model\22,\22lp_signature\22:1,
// CHECK-SAME: \22results\22:[{\22dtype\22:\22float32\22,\22name\22:\22ce\22,\22role\22:\22loss\22,\22shape\22:[]},{\22dtype\22:\22float32\22,\22name\22:\22result1\22,\22role\22:\22output\22,\22shape\22:[2,4]}]}"
func.func @model(%x: tensor<2x3xf32> {lp.role = "input", lp.name = "x"},
                 %y: tensor<2xi64> {lp.role = "label", lp.name = "y"},
                 %w: tensor<3x4xf32> {lp.role = "param", lp.name = "w", lp.init = "normal(0.5)"},
                 %b: tensor<4xf32> {lp.role = "param", lp.name = "b"})
    -> (tensor<f32> {lp.name = "ce"}, tensor<2x4xf32>) {
  %h = lp.linear %x, %w, %b : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %l = lp.cross_entropy %h, %y : (tensor<2x4xf32>, tensor<2xi64>) -> tensor<f32>
  return %l, %h : tensor<f32>, tensor<2x4xf32>
}

// -----

// A train step: the state result named like its argument, loss.total and
// logits by name, the step counter. Unnamed arguments are argN.
// CHECK-LABEL: func.func @step
// CHECK-SAME: {\22dtype\22:\22float32\22,\22name\22:\22arg0\22,\22role\22:\22input\22,\22shape\22:[]}
// CHECK-SAME: {\22dtype\22:\22int64\22,\22init\22:{\22a\22:0,\22b\22:0,\22kind\22:\22constant\22},\22name\22:\22step\22,\22role\22:\22state\22,\22shape\22:[]}
// CHECK-SAME: \22results\22:[{\22dtype\22:\22float32\22,\22name\22:\22w\22,\22role\22:\22state\22,\22shape\22:[3]},{\22dtype\22:\22float32\22,\22name\22:\22loss.total\22,\22role\22:\22loss_total\22,\22shape\22:[]},{\22dtype\22:\22float32\22,\22name\22:\22logits\22,\22role\22:\22logits\22,\22shape\22:[2]}],\22step_counter\22:2}"
func.func @step(%a: tensor<f32>,
                %w: tensor<3xf32> {lp.role = "param", lp.name = "w", lp.init = "zeros"},
                %s: tensor<i64> {lp.role = "state", lp.name = "step", lp.init = "zeros"})
    -> (tensor<3xf32> {lp.name = "w"}, tensor<f32> {lp.name = "loss.total"}, tensor<2xf32> {lp.name = "logits"}) {
  %l = arith.constant dense<0.0> : tensor<2xf32>
  return %w, %a, %l : tensor<3xf32>, tensor<f32>, tensor<2xf32>
}

// -----

// Functions the runtime cannot bind get no signature (and no error):
// dynamic shapes, unsupported element types, private functions.
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: lp.signature
// CHECK-LABEL: func.func @complex
// CHECK-NOT: lp.signature
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: lp.signature
func.func @dynamic(%x: tensor<?xf32>) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
func.func @complex(%x: tensor<2xcomplex<f32>>) -> tensor<2xcomplex<f32>> {
  return %x : tensor<2xcomplex<f32>>
}
func.func private @helper(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
}
