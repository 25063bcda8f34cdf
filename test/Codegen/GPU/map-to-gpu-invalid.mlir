// RUN: not lp-opt %s --split-input-file --lp-map-to-gpu 2>&1 | FileCheck %s
// RUN: not lp-opt %s --lp-map-to-gpu="block-size=2048" 2>&1 | FileCheck %s --check-prefix=BLOCK

// BLOCK: lp-map-to-gpu: block-size must be in [1, 1024], got 2048

// A scalar read before a launch that overwrites its buffer cannot be read
// in that launch instead.
// CHECK: error: 'arith.select' op reads a scalar the GPU computes from a buffer that may change before it is used
func.func @overwritten(%a: memref<16xf32>, %flag: memref<16xi1>) {
  %c0 = arith.constant 0 : index
  %f = memref.load %flag[%c0] : memref<16xi1>
  linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<16xf32>) outs(%flag : memref<16xi1>) {
  ^bb0(%x: f32, %y: i1):
    %s = arith.select %f, %y, %y : i1
    linalg.yield %s : i1
  }
  return
}

// -----

// The host cannot branch on device memory.
// CHECK: error: 'scf.if' op calls or allocates inside, so it stays on the host, but it reads or writes memory: host code cannot read device memory
func.func @branch(%flag: memref<i1>, %a: memref<4xf32>) {
  %f = memref.load %flag[] : memref<i1>
  scf.if %f {
    func.call @g(%a) : (memref<4xf32>) -> ()
  }
  return
}
func.func private @g(memref<4xf32>)

// -----

// A value read from device memory cannot be a host call's argument.
// CHECK: error: 'func.call' op calls or allocates inside, so it stays on the host, but it reads or writes memory: host code cannot read device memory
func.func @argument(%m: memref<f32>) {
  %v = memref.load %m[] : memref<f32>
  func.call @h(%v) : (f32) -> ()
  return
}
func.func private @h(f32)

// -----

// A kernel cannot read the host's stack.
// CHECK: error: 'memref.store' op reads a value the GPU computes: host code cannot read device memory
func.func @stack(%a: memref<4xf32>) {
  %s = memref.alloca() : memref<4xf32>
  linalg.copy ins(%a : memref<4xf32>) outs(%s : memref<4xf32>)
  func.call @keep(%s) : (memref<4xf32>) -> ()
  return
}
func.func private @keep(memref<4xf32>)
