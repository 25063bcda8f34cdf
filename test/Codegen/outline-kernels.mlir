// RUN: lp-opt %s --lp-outline-kernels --split-input-file | FileCheck %s
// RUN: lp-opt %s --lp-outline-kernels --split-input-file | %mlir_opt --split-input-file | FileCheck %s

// lp-outline-kernels (lib/Codegen/OutlineKernels.cpp) moves every linalg op on
// buffers into a private kernel function, named after the function it was
// first taken from, and calls it with the values the op uses; constants are
// cloned into the kernel instead. Ops that outline to the same kernel (same
// op, attributes, types and constants) share it, across functions too.
// Kernels are passthrough = ["noinline"]; a function that lost ops becomes
// passthrough = ["noinline", "optnone"].
//
// Left alone: external functions, functions without linalg ops on buffers,
// and linalg ops on tensors.

// Two ReLUs on the same types share step_kernel0; the +1 differs in its
// body and gets step_kernel1; the fill differs in op and types and gets
// step_kernel2. The ops use the 0.0 and 1.0 constants, which are cloned into
// the kernels (the caller's copies are left for DCE).
// CHECK-LABEL: func.func @step
// CHECK-SAME: attributes {passthrough = ["noinline", "optnone"]}
// CHECK-NOT: linalg.
// CHECK: call @step_kernel0(%arg0, %arg1) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
// CHECK-NEXT: call @step_kernel0(%arg1, %arg2) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
// CHECK-NEXT: call @step_kernel1(%arg0, %arg2) : (memref<4x8xf32>, memref<4x8xf32>) -> ()
// CHECK-NEXT: call @step_kernel2(%arg3) : (memref<8xf32>) -> ()
// CHECK-NEXT: return
// CHECK-LABEL: func.func private @step_kernel0
// CHECK-SAME: (%[[IN:[a-z0-9_]+]]: memref<4x8xf32>, %[[OUT:[a-z0-9_]+]]: memref<4x8xf32>) attributes {passthrough = ["noinline"]}
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: linalg.generic
// CHECK-SAME: ins(%[[IN]] : memref<4x8xf32>) outs(%[[OUT]] : memref<4x8xf32>)
// CHECK: arith.maximumf %{{.*}}, %[[ZERO]] : f32
// CHECK: return
// CHECK-LABEL: func.func private @step_kernel1
// CHECK-SAME: attributes {passthrough = ["noinline"]}
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: arith.addf %{{.*}}, %[[ONE]] : f32
// CHECK-LABEL: func.func private @step_kernel2
// CHECK-SAME: (%[[BUF:[a-z0-9_]+]]: memref<8xf32>) attributes {passthrough = ["noinline"]}
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: linalg.fill ins(%[[Z]] : f32) outs(%[[BUF]] : memref<8xf32>)
// CHECK-NOT: func.func private @step_kernel3
func.func @step(%a: memref<4x8xf32>, %b: memref<4x8xf32>, %c: memref<4x8xf32>, %d: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x8xf32>) outs(%b : memref<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%b : memref<4x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.maximumf %x, %zero : f32
    linalg.yield %r : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x8xf32>) outs(%c : memref<4x8xf32>) {
  ^bb0(%x: f32, %o: f32):
    %r = arith.addf %x, %one : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%d : memref<8xf32>)
  return
}

// -----

// The same op with different constants, or on different shapes, is a
// different kernel.
// CHECK-LABEL: func.func @same_op_other_constant_or_shape
// CHECK: call @same_op_other_constant_or_shape_kernel0(%arg0) : (memref<4xf32>) -> ()
// CHECK-NEXT: call @same_op_other_constant_or_shape_kernel1(%arg0) : (memref<4xf32>) -> ()
// CHECK-NEXT: call @same_op_other_constant_or_shape_kernel2(%arg1) : (memref<8xf32>) -> ()
// CHECK-LABEL: func.func private @same_op_other_constant_or_shape_kernel0
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK-LABEL: func.func private @same_op_other_constant_or_shape_kernel1
// CHECK: arith.constant 1.000000e+00 : f32
// CHECK-LABEL: func.func private @same_op_other_constant_or_shape_kernel2
// CHECK: arith.constant 0.000000e+00 : f32
// CHECK: linalg.fill {{.*}} memref<8xf32>
func.func @same_op_other_constant_or_shape(%a: memref<4xf32>, %b: memref<8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%zero : f32) outs(%a : memref<4xf32>)
  linalg.fill ins(%one : f32) outs(%a : memref<4xf32>)
  linalg.fill ins(%zero : f32) outs(%b : memref<8xf32>)
  return
}

// -----

// A scalar that is not a constant (here a function argument) is passed to the
// kernel, after the op's operands, and the kernel is shared by the train step and eval: it keeps the
// name it got in the first function, and the numbering goes on across
// functions.
// CHECK-LABEL: func.func @train_step
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK: call @train_step_kernel0(%arg0, %arg2, %arg1) : (memref<4x8xf32>, memref<4x8xf32>, f32) -> ()
// CHECK-LABEL: func.func @eval
// CHECK-SAME: passthrough = ["noinline", "optnone"]
// CHECK: call @train_step_kernel0(%arg0, %arg2, %arg1) : (memref<4x8xf32>, memref<4x8xf32>, f32) -> ()
// CHECK-NEXT: call @eval_kernel1(%arg2) : (memref<4x8xf32>) -> ()
// CHECK-LABEL: func.func private @train_step_kernel0
// CHECK-SAME: (%[[X:[a-z0-9_]+]]: memref<4x8xf32>, %[[Y:[a-z0-9_]+]]: memref<4x8xf32>, %[[S:[a-z0-9_]+]]: f32)
// CHECK: arith.mulf %{{.*}}, %[[S]] : f32
// CHECK-LABEL: func.func private @eval_kernel1
// CHECK-NOT: func.func private
func.func @train_step(%x: memref<4x8xf32>, %s: f32, %y: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %s : f32
    linalg.yield %r : f32
  }
  return
}

func.func @eval(%x: memref<4x8xf32>, %s: f32, %y: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.mulf %in, %s : f32
    linalg.yield %r : f32
  }
  linalg.fill ins(%zero : f32) outs(%y : memref<4x8xf32>)
  return
}

// -----

// Only functions with a body that hold linalg ops on buffers change.
// CHECK-LABEL: func.func private @external(memref<4x8xf32>)
// CHECK-NOT: passthrough
// CHECK-LABEL: func.func @no_linalg_ops
// CHECK-NOT: passthrough
// CHECK: call @external(%arg0)
// CHECK-LABEL: func.func @linalg_on_tensors
// CHECK-NOT: passthrough
// CHECK: linalg.fill
// CHECK-NOT: func.func private
func.func private @external(memref<4x8xf32>)

func.func @no_linalg_ops(%a: memref<4x8xf32>) {
  call @external(%a) : (memref<4x8xf32>) -> ()
  return
}

func.func @linalg_on_tensors(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%a : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %f : tensor<4x8xf32>
}
