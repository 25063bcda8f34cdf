// RUN: lp-opt %s --split-input-file --lp-split-reductions | FileCheck %s
// RUN: lp-opt %s --split-input-file --lp-split-reductions="min-size=100000" | FileCheck %s --check-prefix=MIN
// RUN: not lp-opt %s --split-input-file --lp-split-reductions="threads=0" 2>&1 | FileCheck %s --check-prefix=BAD

// lp-split-reductions: a whole-tensor reduction into a 0-d buffer becomes
// stages of partial results (GPUPasses.td). The 64x128 sum of (x - x), the
// all-finite check of loss scaling: 8192 iterations, 512 threads of 16
// strided iterations each, then 8 threads of 64 partial results, then a
// loop of the last 8 into the result, from its value. Below `min-size`
// (prefix MIN) it stays as it is.

#id = affine_map<(d0, d1) -> (d0, d1)>
#none = affine_map<(d0, d1) -> ()>

// CHECK-LABEL: func.func @finite_check
// CHECK: %[[P1:.*]] = memref.alloc() : memref<512xf32>
// CHECK-DAG: %[[C512:.*]] = arith.constant 512 : index
// CHECK-DAG: %[[C8192:.*]] = arith.constant 8192 : index
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%[[C512]])
// CHECK: %[[ZERO:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: %[[ACC:.*]] = scf.for %[[I:.*]] = %[[T]] to %[[C8192]] step %[[C512]] iter_args(%[[A:.*]] = %[[ZERO]]) -> (f32) {
// CHECK: %[[COL:.*]] = arith.remui %[[I]], %{{.*}} : index
// CHECK: %[[ROW:.*]] = arith.divui %[[I]], %{{.*}} : index
// CHECK: %[[X:.*]] = memref.load %arg0[%[[ROW]], %[[COL]]] : memref<64x128xf32>
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[X]] : f32
// CHECK: %[[S:.*]] = arith.addf %[[A]], %[[D]] : f32
// CHECK: scf.yield %[[S]] : f32
// CHECK: memref.store %[[ACC]], %[[P1]][%[[T]]] : memref<512xf32>
// CHECK: %[[P2:.*]] = memref.alloc() : memref<8xf32>
// CHECK: scf.parallel
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args
// CHECK: memref.load %[[P1]][%[[J]]] : memref<512xf32>
// CHECK: arith.addf
// CHECK: memref.store %{{.*}}, %[[P2]]
// CHECK: memref.dealloc %[[P1]] : memref<512xf32>
// CHECK: %[[INIT:.*]] = memref.load %arg1[] : memref<f32>
// CHECK: %[[R:.*]] = scf.for %{{.*}} iter_args(%[[B:.*]] = %[[INIT]]) -> (f32) {
// CHECK: memref.load %[[P2]]
// CHECK: memref.store %[[R]], %arg1[] : memref<f32>
// CHECK: memref.dealloc %[[P2]] : memref<8xf32>
// CHECK-NOT: linalg.generic
// MIN-LABEL: func.func @finite_check
// MIN: linalg.generic
// MIN-NOT: scf.parallel
func.func @finite_check(%x: memref<64x128xf32>, %out: memref<f32>) {
  linalg.generic {indexing_maps = [#id, #none], iterator_types = ["reduction", "reduction"]} ins(%x : memref<64x128xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %d = arith.subf %in, %in : f32
    %s = arith.addf %acc, %d : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A maximum starts from -inf; linalg.index reads the flattened iteration's
// index; a gather inside the body stays; a rank-0 input is loaded once per
// iteration.
#v = affine_map<(d0) -> (d0)>
#s = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @max_with_index
// MIN-LABEL: func.func @max_with_index
// CHECK: scf.parallel
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: scf.for %[[I:.*]] = %{{.*}} iter_args(%{{.*}} = %[[NEG]])
// CHECK: memref.load %arg0[%[[I]]] : memref<5000xf32>
// CHECK: memref.load %arg1[] : memref<f32>
// CHECK: arith.index_cast %[[I]] : index to i64
// CHECK: arith.maximumf
// CHECK: arith.maximumf
func.func @max_with_index(%x: memref<5000xf32>, %scale: memref<f32>, %out: memref<f32>) {
  linalg.generic {indexing_maps = [#v, #s, #s], iterator_types = ["reduction"]} ins(%x, %scale : memref<5000xf32>, memref<f32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %k: f32, %acc: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f32
    %p = arith.mulf %in, %k : f32
    %q = arith.addf %p, %f : f32
    %m = arith.maximumf %acc, %q : f32
    linalg.yield %m : f32
  }
  return
}

// -----

// Left alone: the accumulator used twice (not one combining op), a
// dynamic size.
#id = affine_map<(d0, d1) -> (d0, d1)>
#none = affine_map<(d0, d1) -> ()>
#row = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: scf.parallel
// CHECK-COUNT-2: linalg.generic
func.func @left_alone(%x: memref<64x128xf32>, %out: memref<f32>, %col: memref<128xf32>, %y: memref<?x128xf32>) {
  linalg.generic {indexing_maps = [#id, #none], iterator_types = ["reduction", "reduction"]} ins(%x : memref<64x128xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %acc, %acc : f32
    %s = arith.addf %sq, %in : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #none], iterator_types = ["reduction", "reduction"]} ins(%y : memref<?x128xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Left alone: what cannot run in any order or split in place. A body
// with a region (a branch); a body that writes memory; a body
// that reads the result; the result read as an input; an index-typed
// result; a reduction inside a host loop (the stages allocate).
#v = affine_map<(d0) -> (d0)>
#s = affine_map<(d0) -> ()>
// CHECK-LABEL: func.func @not_splittable
// CHECK-NOT: scf.parallel
// CHECK-COUNT-6: linalg.generic
func.func @not_splittable(%x: memref<5000xf32>, %out: memref<f32>, %last: memref<f32>, %xi: memref<5000xindex>, %outi: memref<index>, %flag: i1) {
  linalg.generic {indexing_maps = [#v, #s], iterator_types = ["reduction"]} ins(%x : memref<5000xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %v = scf.if %flag -> (f32) {
      %n = arith.negf %in : f32
      scf.yield %n : f32
    } else {
      scf.yield %in : f32
    }
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#v, #s], iterator_types = ["reduction"]} ins(%x : memref<5000xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    memref.store %in, %last[] : memref<f32>
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#v, #s], iterator_types = ["reduction"]} ins(%x : memref<5000xf32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %acc: f32):
    %o = memref.load %out[] : memref<f32>
    %p = arith.mulf %in, %o : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#v, #s, #s], iterator_types = ["reduction"]} ins(%x, %out : memref<5000xf32>, memref<f32>) outs(%out : memref<f32>) {
  ^bb0(%in: f32, %o: f32, %acc: f32):
    %p = arith.mulf %in, %o : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#v, #s], iterator_types = ["reduction"]} ins(%xi : memref<5000xindex>) outs(%outi : memref<index>) {
  ^bb0(%in: index, %acc: index):
    %m = arith.maxsi %acc, %in : index
    linalg.yield %m : index
  }
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %c2 step %c1 {
    linalg.generic {indexing_maps = [#v, #s], iterator_types = ["reduction"]} ins(%x : memref<5000xf32>) outs(%out : memref<f32>) {
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %acc, %in : f32
      linalg.yield %s : f32
    }
  }
  return
}

// -----

// A reduction with parallel dimensions whose results are few for their
// length: a bias gradient, the 128 column sums of 2048 rows. 64 chunks of
// 32 rows: 8192 threads, thread t summing rows t / 128, t / 128 + 64, ...
// of column t % 128 (consecutive threads, consecutive columns) into a
// 64x128 buffer; then 128 threads, each adding its column's 64 partial
// sums to the result.
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>
#row = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @column_sums
// CHECK: %[[P:.*]] = memref.alloc() : memref<64x128xf32>
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%{{.*}})
// CHECK: %[[CHUNK:.*]] = arith.divui %[[T]], %[[C128:.*]] : index
// CHECK: %[[COL:.*]] = arith.remui %[[T]], %[[C128]] : index
// CHECK: %[[NEG:.*]] = arith.constant -0.000000e+00 : f32
// CHECK: %[[S:.*]] = scf.for %[[I:.*]] = %[[CHUNK]] to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %[[NEG]])
// CHECK: memref.load %arg0[%[[I]], %[[COL]]] : memref<2048x128xf32>
// CHECK: memref.store %[[S]], %[[P]][%[[CHUNK]], %[[COL]]] : memref<64x128xf32>
// CHECK: scf.parallel (%[[C:.*]]) = (%{{.*}}) to (%[[C128]])
// CHECK: %[[INIT:.*]] = memref.load %arg1[%[[C]]] : memref<128xf32>
// CHECK: %[[SUM:.*]] = scf.for %[[R:.*]] = %{{.*}} iter_args(%{{.*}} = %[[INIT]])
// CHECK: memref.load %[[P]][%[[R]], %[[C]]] : memref<64x128xf32>
// CHECK: memref.store %[[SUM]], %arg1[%[[C]]] : memref<128xf32>
// CHECK: memref.dealloc %[[P]] : memref<64x128xf32>
// Row maxima of 4 long rows: 128 chunks. Too many results to gain
// (32768 rows of 64): left alone.
// CHECK: memref.alloc() : memref<128x4xf32>
// CHECK: linalg.generic
// CHECK-NOT: linalg.generic
func.func @column_sums(%dy: memref<2048x128xf32>, %db: memref<128xf32>, %long: memref<4x4096xf32>, %rows: memref<4xf32>, %many: memref<32768x64xf32>, %manyout: memref<32768xf32>) {
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%dy : memref<2048x128xf32>) outs(%db : memref<128xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%long : memref<4x4096xf32>) outs(%rows : memref<4xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.maximumf %acc, %in : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%many : memref<32768x64xf32>) outs(%manyout : memref<32768xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  }
  return
}

// BAD: error: lp-split-reductions: min-size and threads must be positive
