// RUN: lp-opt %s --canonicalize --cse --split-input-file | FileCheck %s

// Cast cleanup keeps every bit: f16 -> f32 -> f16 is the identity.
// CHECK-LABEL: func.func @widen_then_back
// CHECK-NEXT: return %arg0
func.func @widen_then_back(%x: tensor<4xf16>) -> tensor<4xf16> {
  %w = lp.cast %x : (tensor<4xf16>) -> tensor<4xf32>
  %h = lp.cast %w : (tensor<4xf32>) -> tensor<4xf16>
  return %h : tensor<4xf16>
}

// -----

// CHECK-LABEL: func.func @bf16_widen_then_back
// CHECK-NEXT: return %arg0
func.func @bf16_widen_then_back(%x: tensor<2x3xbf16>) -> tensor<2x3xbf16> {
  %w = lp.cast %x {rounding = #lp<rounding toward_zero>} : (tensor<2x3xbf16>) -> tensor<2x3xf32>
  %h = lp.cast %w {rounding = #lp<rounding toward_zero>} : (tensor<2x3xf32>) -> tensor<2x3xbf16>
  return %h : tensor<2x3xbf16>
}

// -----

// f32 -> f16 -> f32 rounds: both casts stay.
// CHECK-LABEL: func.func @narrow_then_widen
// CHECK-NEXT: %[[H:.*]] = lp.cast %arg0 : (tensor<4xf32>) -> tensor<4xf16>
// CHECK-NEXT: %[[W:.*]] = lp.cast %[[H]] : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: return %[[W]]
func.func @narrow_then_widen(%x: tensor<4xf32>) -> tensor<4xf32> {
  %h = lp.cast %x : (tensor<4xf32>) -> tensor<4xf16>
  %w = lp.cast %h : (tensor<4xf16>) -> tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

// f16 -> f32 -> bf16 is one cast that keeps the outer cast's rounding; the
// widening stays while something else reads it.
// CHECK-LABEL: func.func @widen_then_other
// CHECK-NEXT: %[[W:.*]] = lp.cast %arg0 : (tensor<4xf16>) -> tensor<4xf32>
// CHECK-NEXT: %[[B:.*]] = lp.cast %arg0 {rounding = #lp<rounding toward_zero>} : (tensor<4xf16>) -> tensor<4xbf16>
// CHECK-NEXT: return %[[B]], %[[W]]
func.func @widen_then_other(%x: tensor<4xf16>) -> (tensor<4xbf16>, tensor<4xf32>) {
  %w = lp.cast %x : (tensor<4xf16>) -> tensor<4xf32>
  %b = lp.cast %w {rounding = #lp<rounding toward_zero>} : (tensor<4xf32>) -> tensor<4xbf16>
  return %b, %w : tensor<4xbf16>, tensor<4xf32>
}

// -----

// bf16 -> f16 is not exact (range and precision differ): no fold through it.
// CHECK-LABEL: func.func @inexact_16bit
// CHECK-NEXT: %[[H:.*]] = lp.cast %arg0 : (tensor<4xbf16>) -> tensor<4xf16>
// CHECK-NEXT: %[[B:.*]] = lp.cast %[[H]] : (tensor<4xf16>) -> tensor<4xbf16>
// CHECK-NEXT: return %[[B]]
func.func @inexact_16bit(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %h = lp.cast %x : (tensor<4xbf16>) -> tensor<4xf16>
  %b = lp.cast %h : (tensor<4xf16>) -> tensor<4xbf16>
  return %b : tensor<4xbf16>
}

// -----

// A cast to the input's own type is the input; identical casts merge (CSE).
// CHECK-LABEL: func.func @identity_and_cse
// CHECK-NEXT: %[[H:.*]] = lp.cast %arg0 : (tensor<4xf32>) -> tensor<4xbf16>
// CHECK-NEXT: %[[S:.*]] = lp.add %[[H]], %[[H]]
// CHECK-NEXT: return %[[S]], %arg0
func.func @identity_and_cse(%x: tensor<4xf32>) -> (tensor<4xbf16>, tensor<4xf32>) {
  %a = lp.cast %x : (tensor<4xf32>) -> tensor<4xbf16>
  %b = lp.cast %x : (tensor<4xf32>) -> tensor<4xbf16>
  %s = lp.add %a, %b : (tensor<4xbf16>, tensor<4xbf16>) -> tensor<4xbf16>
  %i = lp.cast %x : (tensor<4xf32>) -> tensor<4xf32>
  return %s, %i : tensor<4xbf16>, tensor<4xf32>
}
