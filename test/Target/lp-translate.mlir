// RUN: lp-translate --mlir-to-llvmir %s | FileCheck %s
// RUN: not lp-translate --mlir-to-llvmir %S/Inputs/not-lowered.mlir 2>&1 | FileCheck %s --check-prefix=ERR

// CHECK-LABEL: define float @add_one(float %0)
// CHECK: fadd float %0, 1.000000e+00
llvm.func @add_one(%x: f32) -> f32 {
  %c = llvm.mlir.constant(1.0 : f32) : f32
  %r = llvm.fadd %x, %c : f32
  llvm.return %r : f32
}

// ERR: not-lowered.mlir:{{[0-9]+}}:{{[0-9]+}}: error:
