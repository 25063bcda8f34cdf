// RUN: lp-opt %s --split-input-file --verify-diagnostics --lp-emit-entry-points | FileCheck %s

// A lowered function (one rank-1 argument w, updated in place, and a
// scalar out-parameter): the signature gains the entry point and the
// in-place argument, the entry point loads each of the 8 scalars of the two
// expanded descriptors (5 + 3) through its pointer argument.
// CHECK-LABEL: llvm.func @f(
// CHECK-NOT: lp.signature
// CHECK: llvm.mlir.global external constant @lp_signature_f("{\22args\22:[{\22name\22:\22w\22,\22shape\22:[3]}],\22entry\22:\22lp_entry_f\22,\22lp_signature\22:1,\22results\22:[{\22inplace_arg\22:0,\22name\22:\22w\22,\22shape\22:[3]},{\22name\22:\22loss\22,\22shape\22:[]}]}\00")
// CHECK-LABEL: llvm.func @lp_entry_f(%arg0: !llvm.ptr)
// CHECK-COUNT-8: llvm.load %{{.*}} : !llvm.ptr -> !llvm.ptr
// CHECK: llvm.call @f(
// CHECK-NEXT: llvm.return
// CHECK: llvm.mlir.global external constant @lp_entry_points("[\22f\22]\00")
module {
  llvm.func @f(%a: !llvm.ptr, %b: !llvm.ptr, %c: i64, %d: i64, %e: i64,
               %f: !llvm.ptr, %g: !llvm.ptr, %h: i64)
      attributes {lp.inplace_results = array<i64: 0, -1>,
                  lp.signature = "{\22lp_signature\22:1,\22args\22:[{\22name\22:\22w\22,\22shape\22:[3]}],\22results\22:[{\22name\22:\22w\22,\22shape\22:[3]},{\22name\22:\22loss\22,\22shape\22:[]}]}"} {
    llvm.return
  }
}

// -----

// A function that returns its results instead of taking out-parameters
// gets no entry point (the runtime cannot call it), and no error.
// CHECK-LABEL: llvm.func @returns
// CHECK-NOT: lp_entry
// CHECK-NOT: lp_signature
module {
  llvm.func @returns(%a: !llvm.ptr, %b: !llvm.ptr, %c: i64) -> f32
      attributes {lp.signature = "{\22lp_signature\22:1,\22args\22:[{\22name\22:\22x\22,\22shape\22:[]}],\22results\22:[{\22name\22:\22loss\22,\22shape\22:[]}]}"} {
    %0 = llvm.mlir.constant(0.0 : f32) : f32
    llvm.return %0 : f32
  }
}

// -----

module {
  // expected-error @+1 {{result 'v' is updated in place in an argument of another name}}
  llvm.func @mismatch(%a: !llvm.ptr, %b: !llvm.ptr, %c: i64, %d: i64, %e: i64)
      attributes {lp.inplace_results = array<i64: 0>,
                  lp.signature = "{\22lp_signature\22:1,\22args\22:[{\22name\22:\22w\22,\22shape\22:[3]}],\22results\22:[{\22name\22:\22v\22,\22shape\22:[3]}]}"} {
    llvm.return
  }
}

// -----

module {
  // expected-error @+1 {{lp.inplace_results does not match the results}}
  llvm.func @count(%a: !llvm.ptr, %b: !llvm.ptr, %c: i64, %d: i64, %e: i64)
      attributes {lp.inplace_results = array<i64: 0, -1>,
                  lp.signature = "{\22lp_signature\22:1,\22args\22:[{\22name\22:\22w\22,\22shape\22:[3]}],\22results\22:[{\22name\22:\22w\22,\22shape\22:[3]}]}"} {
    llvm.return
  }
}

// -----

module {
  // expected-error @+1 {{malformed lp.signature}}
  llvm.func @malformed() attributes {lp.signature = "{not json"} {
    llvm.return
  }
}
