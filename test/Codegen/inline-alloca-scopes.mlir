// RUN: lp-opt %s --lp-inline-alloca-scopes | FileCheck %s

// A scope without allocas becomes its body; one that allocates stays.
// CHECK-LABEL: func.func @scopes
// CHECK-NOT: memref.alloca_scope {
// CHECK: memref.store %arg1, %arg0[%arg2]
// CHECK: memref.alloca_scope {
// CHECK-NEXT: memref.alloca
func.func @scopes(%m: memref<4xf32>, %v: f32, %i: index) {
  memref.alloca_scope {
    memref.store %v, %m[%i] : memref<4xf32>
  }
  memref.alloca_scope {
    %t = memref.alloca() : memref<4xf32>
    memref.store %v, %t[%i] : memref<4xf32>
  }
  return
}
