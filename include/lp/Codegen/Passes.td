//===- Passes.td - LP CPU code generation passes -----------*- tablegen -*-===//
//
// Passes of the CPU pipeline (lp-lower-to-llvm) between linalg and LLVM:
// they decide how contractions and elementwise code run on the CPU. None
// reads the compiling machine: thread counts are options.
//
//===----------------------------------------------------------------------===//

#ifndef LP_CODEGEN_PASSES_TD
#define LP_CODEGEN_PASSES_TD

include "mlir/Pass/PassBase.td"

def ApproximateMath : Pass<"lp-approximate-math"> {
  let summary = "Replace f32 math functions by inline polynomial "
                "approximations";
  let description = [{
    Rewrites `math.exp`, `math.log`, `math.tanh`, `math.erf` and the other
    functions MLIR has polynomial approximations for, on `f32` scalars and
    vectors, into arithmetic (MLIR's `populateMathPolynomialApproximation
    Patterns`, the approximations of Eigen/Cephes, within a few ulp).
    A libm call stops LLVM from vectorising the loop around it; the
    arithmetic vectorises. `f64` keeps the libm calls (gradient checks run
    in `f64`); `f16`/`bf16` math already computes in `f32` in LP.

    ```mlir
    %y = math.exp %x : f32
    // becomes a range reduction, a polynomial and an exponent bit shift
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::vector::VectorDialect"];
}

def FoldTransposeIntoMatmul : Pass<"lp-fold-transpose-into-matmul"> {
  let summary = "Read transposed matmul operands through indexing maps";
  let description = [{
    A `linalg.matmul` or `linalg.batch_matmul` (on tensors) whose operand
    is a `linalg.transpose` reads the transpose's input instead, with the
    permuted indexing map; the transpose then has no use and folds away.
    The backward pass of `lp.linear` and `lp.matmul` multiplies by
    transposed operands (`dW = X^T dY`, `dX = dY W^T`), so this saves a
    copy per gradient. `lp-linalg-to-blas` turns the maps into BLAS
    transpose flags; the vectoriser reads them directly.

    ```mlir
    %t = linalg.transpose ins(%x : tensor<64x32xf32>)
           outs(%e : tensor<32x64xf32>) permutation = [1, 0]
    %r = linalg.matmul ins(%t, %dy : ...) outs(...)
    // becomes
    %r = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>,
                                        affine_map<(m, n, k) -> (k, n)>,
                                        affine_map<(m, n, k) -> (m, n)>]
           ins(%x, %dy : ...) outs(...)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ConvsToLibrary : Pass<"lp-convs-to-library", "mlir::ModuleOp"> {
  let summary = "Call the runtime's direct convolutions for marked generics";
  let description = [{
    Replaces each `linalg.generic` on buffers marked `library_call =
    "lp_conv2d_f32"`, `"lp_conv2d_grad_filter_f32"` or
    `"lp_conv2d_grad_input_f32"` (convert-lp-to-linalg `conv-library`, which
    documents their semantics) by a call of that runtime function, with the
    three buffers' addresses, the sizes N, C, H, W (of the generic's
    input: the padded one for the forward and filter-gradient calls), F,
    KH, KW, OH, OW, the stride and the padding (`lp.conv`; 0 for the calls
    that read the padded input) as `i64`s. The zero fill of the
    result right before the generic is dropped (the runtime writes every
    element). A generic whose buffers are not contiguous row-major, whose
    maps are not the expected ones or whose result is not zero-filled right
    before stays as it is: it is a correct, slow lowering by itself. The
    runtime runs oneDNN's direct convolutions (`runtime/lib/OneDnnConv.cpp`,
    kernels chosen by the CPU's ISA), or plain loops without oneDNN.

    ```mlir
    linalg.fill ins(%zero : f32) outs(%y : memref<32x32x32x32xf32>)
    linalg.generic {library_call = "lp_conv2d_f32", lp.conv = array<i64: 1, 1, 1, 1>, ...}
        ins(%xp, %w : memref<32x3x34x34xf32>, memref<32x3x3x3xf32>) outs(%y : ...)
    // becomes
    func.call @lp_conv2d_f32(%px, %pw, %py, %c32, %c3, %c34, %c34, %c32,
        %c3, %c3, %c32, %c32, %c1, %c1, %c0, %c0) : (!llvm.ptr, !llvm.ptr, !llvm.ptr, i64, ...) -> ()
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect"];
}

def LinalgToBlas : Pass<"lp-linalg-to-blas", "mlir::ModuleOp"> {
  let summary = "Call cblas_sgemm for f32 matmuls on buffers";
  let description = [{
    Replaces each `linalg.matmul` and `linalg.batch_matmul` on `f32`
    memrefs whose rows are contiguous (innermost stride 1) by a call to
    `cblas_sgemm` (row major), one per batch in an `scf.for`. Operands read
    through transposed indexing maps (`lp-fold-transpose-into-matmul`)
    become `CblasTrans`; a `linalg.fill` of zero into the result right
    before the matmul becomes `beta = 0`, otherwise the product accumulates
    (`beta = 1`, linalg's semantics). Other contractions (other element
    types, broadcast maps, strided rows, smaller than `min-size`) are left
    for the vectoriser. The caller links a CBLAS (lp-run loads Debian's
    OpenBLAS; see docs/Performance.md).

    Threads: with `parallel-batches`, the products of a batch smaller than
    `parallel-batches-below` run side by side (an `scf.parallel` over the
    batch). With `split-min`, each product of at least that many
    multiply-adds is cut along the longer of m and n (the operand read by
    every block is then the smaller one) into about `threads` blocks whose
    lengths are multiples of 16, an `scf.parallel` of calls on pointers
    advanced to each block. `threads` = 0 (the default) asks the runtime
    when the step runs (`lp_num_threads()`, the OpenMP thread count), so
    the block size and count are computed then, and an `scf.if` makes a
    single block one plain call; a positive `threads` fixes them at compile
    time (1: nothing is split). Both become OpenMP loops, so the step uses
    one thread pool; the runtime's dispatcher runs a call made inside a
    parallel region on one OpenBLAS thread (`lp-cpu-codegen` sets both when
    `parallel` is on, with its `threads`).

    Epilogues (`epilogues`, on by default): when the op right after a 2-D
    f32 product that starts from zero is a `linalg.generic` that adds a
    row-broadcast f32 vector to the product in place (as `lp.linear`
    lowers), the call becomes `lp_sgemm_bias`: cblas_sgemm's arguments and
    the bias pointer, which oneDNN adds in its kernel (after OpenBLAS the
    runtime adds it). A 16-bit product's bias is rounded to its type before
    the add (autocast), so its generic is left as it is. The generic is erased, or keeps the
    rest of its body (a ReLU, a GELU) applied to the biased element.
    Activations stay in generated code: oneDNN 2.6's ReLU post-op maps NaN
    to 0, where `lp.relu` propagates it. With `cuda` the call is
    `lp_cuda_sgemm_bias` (cuBLASLt's `CUBLASLT_EPILOGUE_BIAS`), and a
    bias gradient joins the weight gradient's call: when an f32 sum over
    k of the product's B itself (a layer's output gradient, summed over
    the batch), starting from a +0 fill, follows the product with only
    allocations, deallocations of other buffers and fills of new buffers
    between them, the call is `lp_cuda_sgemm_bgrad` with the sum's
    buffer last (cuBLASLt's `CUBLASLT_EPILOGUE_BGRADA`), and the sum is
    erased.

    ```mlir
    linalg.fill ins(%zero : f32) outs(%c : memref<64x10xf32>)
    linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x10xf32>)
                  outs(%c : memref<64x10xf32>)
    // becomes
    func.call @cblas_sgemm(%c101, %c111, %c111, %c64, %c10, %c128, %one,
                           %pa, %c128, %pb, %c10, %zero, %pc, %c10) : ...
    ```
  }];
  let options = [
    Option<"minSize", "min-size", "int64_t", /*default=*/"0",
           "Leave matmuls with m*n*k below this to the vectoriser">,
    Option<"parallelBatches", "parallel-batches", "bool", /*default=*/"false",
           "Loop over the batch of a batch_matmul with scf.parallel (OpenMP "
           "once lowered) when each product is small">,
    Option<"parallelBatchesBelow", "parallel-batches-below", "int64_t",
           /*default=*/"4194304",
           "Largest m*n*k (exclusive) of a product run side by side">,
    Option<"splitMin", "split-min", "int64_t", /*default=*/"0",
           "Split products of at least this many multiply-adds (m*n*k) into "
           "blocks of rows or columns run by an scf.parallel (0: never)">,
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Blocks per split product: 0 as many as the runtime's threads, "
           "asked at run time (lp_num_threads); 1 none are split; N about N "
           "(the pipelines pass their `threads` option)">,
    Option<"cuda", "cuda", "bool", /*default=*/"false",
           "Call the runtime's cuBLASLt products instead (lp_cuda_sgemm, "
           "lp_cuda_gemm_bf16, lp_cuda_gemm_f16: the same arguments, on "
           "device pointers; lp-gpu-codegen matmul=cublaslt)">,
    Option<"epilogues", "epilogues", "bool", /*default=*/"true",
           "Move a bias row added to a 2-D f32 product right after it into "
           "the call (lp_sgemm_bias; lp_cuda_sgemm_bias with `cuda`), and "
           "with `cuda` the column sums of its B that follow it "
           "(lp_cuda_sgemm_bgrad)">
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def OutlineKernels : Pass<"lp-outline-kernels", "mlir::ModuleOp"> {
  let summary = "Outline each linalg op on buffers into a shared kernel "
                "function";
  let description = [{
    Moves every `linalg` op on memrefs into a private function (a kernel)
    called with the memrefs and scalars it uses (constants are cloned
    in). Structurally identical ops (the same op, attributes and types)
    share one kernel: the blocks of a transformer, and the forward pass of
    the train step and of eval. Kernels are `noinline` (LLVM `passthrough`); the
    functions they were taken from, now straight-line code (calls,
    allocations, copies), are `noinline optnone`,
    since LLVM's optimiser gains nothing there and its cost on a long
    function grows faster than the function.

    Lowering a training step as one function makes the code generator's
    cost grow faster than the model; with kernels it grows with the number
    of distinct ops, and LLVM gets small loop nests to vectorise. The cost
    is a call per op.

    ```mlir
    linalg.generic {...} ins(%a : memref<64x128xf32>) outs(%b : ...)
    // becomes
    call @step_kernel3(%a, %b) : (memref<64x128xf32>, ...) -> ()
    func.func private @step_kernel3(%a: memref<64x128xf32>, ...)
        attributes {passthrough = ["noinline"]} { linalg.generic ... }
    ```
  }];
  let dependentDialects = ["mlir::func::FuncDialect"];
}

def FuseElementwise : Pass<"lp-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg ops, keeping contractions intact";
  let description = [{
    Upstream's elementwise fusion and reshape propagation
    (`populateElementwiseOpsFusionPatterns`,
    `populateFoldReshapeOpsByExpansionPatterns`) on tensors, with a
    control function that fuses a producer only into its single user and
    never touches a named linalg op or a contraction. Upstream's
    `linalg-fuse-elementwise-ops` would turn `linalg.batch_matmul` +
    reshape into a rank-5 `linalg.generic` and pull a softmax division
    into the next matmul, and such generics are neither BLAS calls nor
    vectorisable GEMMs. Chains of elementwise ops (bias, activation,
    their gradients, optimizer updates) still become one loop nest.

    ```mlir
    %0 = linalg.generic {...} ins(%a) outs(%t) { arith.addf }   // bias
    %1 = linalg.generic {...} ins(%0) outs(%t) { arith.maximumf } // relu
    // become one linalg.generic { arith.addf; arith.maximumf }
    ```
  }];
  let dependentDialects = ["mlir::affine::AffineDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def SavedBuffers : Pass<"lp-saved-buffers", "mlir::ModuleOp"> {
  let summary = "Print the bytes a bufferized train step keeps from forward to backward";
  let description = [{
    Runs on buffers (after `lp-bufferize`). For each function with an
    `lp.backward_begin` in its body, prints the bytes, per element type, of
    the buffers the function allocates (`memref.alloc`, `memref.alloca`)
    before the marker and uses after it, through any view of them (a
    subview, a reshape, a call's operand) or their deallocation: the
    memory held from the forward pass into the backward pass. Arguments
    (parameters, batch, out-parameters) and globals are not counted. With
    gradient accumulation there is one marker per micro-batch; the largest
    count is printed. A second line gives the bytes the function's body
    allocates in all and the most it holds at once (its deallocs give
    buffers back; buffers of called functions are not seen). The precision
    report's "saved for backward" counts
    the same on tensors, before fusion and bufferization
    (docs/MixedPrecision.md compares the two).

    ```
    saved buffers: @f_train_step
      live across backward_begin: bf16 2207744, f32 1314816 (41 buffers)
      allocated: 4849024, held at most: 3723264
    ```
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"\"",
           "Only this function (default: every function with a marker)">,
  ];
}

def FreeAfterLastUse : Pass<"lp-free-after-last-use", "mlir::ModuleOp"> {
  let summary = "Free each buffer of a function's body right after its last use";
  let description = [{
    Runs after the buffer deallocation pipeline, which frees a block's
    buffers at the end of the block: a train step would hold every buffer
    it allocates until it returns. Each `memref.dealloc` in a function's
    body block of a `memref.alloc` of the same block moves to just after
    the last op of the block that uses the buffer or a view of it (an op
    result of memref type made from it: subviews, reshapes, casts,
    transitively). A buffer with a view that leaves the function (returned,
    stored to memory) keeps its dealloc where it is.

    ```mlir
    %a = memref.alloc() : memref<4xf32>
    linalg.fill ins(%c : f32) outs(%a : memref<4xf32>)
    "use"(%a) : (memref<4xf32>) -> ()
    // memref.dealloc %a moves here, from the end of the block
    ...
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def StripMarkers : Pass<"lp-strip-markers", "mlir::ModuleOp"> {
  let summary = "Erase lp.backward_begin, which only marks a place";
  let description = [{
    The first pass of the codegen pipelines: `lp.backward_begin` has no
    lowering (it computes nothing) and is only read by analyses of the IR
    before codegen (`lp-saved-buffers`).
  }];
}

def DropInplaceResults : Pass<"lp-drop-inplace-results", "mlir::ModuleOp"> {
  let summary = "Drop results that are updated in place in an argument";
  let description = [{
    Runs on buffers, after `one-shot-bufferize`. A public function result
    that is one of the function's memref arguments (possibly through
    `memref.cast`) was updated in place: the optimizer writes each new
    parameter and state value into the argument's buffer. The pass removes
    such results and records, for every original result, the argument now
    holding it (-1 for results still returned) in `lp.inplace_results`.
    `lp-run --train` uses it to keep parameters and optimizer state in
    their buffers across steps, with no copy and no second buffer.

    ```mlir
    func.func @step(%w: memref<4xf32>, %g: memref<4xf32>)
        -> (memref<4xf32>, memref<f32>) {
      ... // writes %w in place
      return %w, %loss : memref<4xf32>, memref<f32>
    }
    // becomes
    func.func @step(%w: memref<4xf32>, %g: memref<4xf32>) -> memref<f32>
        attributes {lp.inplace_results = array<i64: 0, -1>}
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def FoldResultCopies : Pass<"lp-fold-result-copies", "mlir::ModuleOp"> {
  let summary = "Compute results in their out-parameters instead of copying";
  let description = [{
    Runs after `buffer-results-to-out-params`, which returns a result by
    copying its buffer into an out-parameter just before the return. When
    the copied buffer is a `memref.alloc` of the function (static shape,
    identity layout), or a `memref.collapse_shape` of one, that nothing uses
    after the copy, and the out-parameter is used only by the copy, the
    function computes into the out-parameter (through a
    `memref.expand_shape` for the collapsed case): the allocation and the
    copy are removed. A buffer copied into two out-parameters keeps its
    copies except the last. Upstream's `hoist-static-allocs` option does the
    same for plain allocations but crashes in MLIR 22 when one buffer is
    returned twice.

    ```mlir
    func.func private @f(%x: memref<4xf32>, %out: memref<4xf32>) {
      %a = memref.alloc() : memref<4xf32>
      linalg.exp ins(%x : memref<4xf32>) outs(%a : memref<4xf32>)
      memref.copy %a, %out : memref<4xf32> to memref<4xf32>
      return
    }
    // becomes
    func.func private @f(%x: memref<4xf32>, %out: memref<4xf32>) {
      linalg.exp ins(%x : memref<4xf32>) outs(%out : memref<4xf32>)
      return
    }
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def ReassociateReductions : Pass<"lp-reassociate-reductions"> {
  let summary = "Let reduction sums be reassociated (and vectorised)";
  let description = [{
    Sets the `reassoc` fast-math flag on the float add that accumulates
    into an output of a `linalg.generic` with reduction iterators. A
    running sum is a chain of dependent adds that LLVM may vectorise (with
    several partial sums) only under `reassoc`; row sums over the innermost
    dimension (softmax, layer norm, losses, dot products) then run as
    vector code. The summation order changes to a tree of partial sums,
    whose rounding error is no larger than the running sum's. Nothing else
    in the body is relaxed.

    ```mlir
    ^bb0(%in: f32, %acc: f32):
      %s = arith.addf %acc, %in : f32
    // becomes
      %s = arith.addf %acc, %in fastmath<reassoc> : f32
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def VectorizeMatmul : Pass<"lp-vectorize-matmul", "mlir::func::FuncOp"> {
  let summary = "Tile and vectorise matmuls on buffers (generated path)";
  let description = [{
    The generated alternative to `lp-linalg-to-blas` (`lp-lower-to-llvm`
    option `matmul=vector`): each static, all-f32 `linalg.matmul` /
    `linalg.batch_matmul` on memrefs (others stay loops) is tiled (`tileLinalgOp`) into
    register tiles of up to 8 x 32 (m x n, the largest sizes that divide
    the problem, so every tile is full) with k step 1, vectorised
    (`linalg::vectorize`), and the result tile is loaded before the k loop,
    carried through it in registers (an `iter_args` vector) and stored
    after it (upstream's `hoistRedundantVectorTransfers` refuses function
    arguments, which might alias; a matmul's output may not alias its
    inputs); the
    contraction then lowers to outer products (FMAs of a broadcast A
    element and a B row). Any indexing maps work (transposed operands read
    through strided transfers). There is no cache blocking or packing, so
    large products run below BLAS speed (see docs/Performance.md).

    ```mlir
    linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x64xf32>)
                  outs(%c : memref<64x64xf32>)
    // becomes scf.for m (step 8) { scf.for n (step 32) {
    //   %acc = vector loads of the 8x32 tile
    //   scf.for k { 8 broadcasts of A, 2 vector loads of B, 16 FMAs }
    //   vector stores of the tile } }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::vector::VectorDialect",
                           "mlir::memref::MemRefDialect"];
}

def SplitSharedInits : Pass<"lp-split-shared-inits"> {
  let summary = "Give every init use of a shared linalg.fill its own fill";
  let description = [{
    CSE merges identical `linalg.fill`s, so one filled tensor becomes the
    init (`outs`) of many matmuls and reductions. One-shot bufferization
    then copies the filled buffer for each of them (the fill must survive
    for the later users) and its conflict analysis compares the users
    pairwise, which grows quadratically with model depth. This pass clones
    a fill of a `tensor.empty` (with the empty) right before each of its
    init uses, and removes the original once unused, so every product fills
    and writes its own buffer right before it (a zero fill next to its
    matmul is what `lp-linalg-to-blas` turns into `beta = 0`; a fill left
    at the top of the function was a separate memset: 16 MiB per char LM
    step). A fill of anything else keeps one init use (none when it is
    also read otherwise) and the others get copies. Run it
    after the last CSE and before `one-shot-bufferize`.

    ```mlir
    %z = linalg.fill ins(%zero) outs(%e) -> tensor<64x128xf32>
    %a = linalg.matmul ins(...) outs(%z)
    %b = linalg.matmul ins(...) outs(%z)
    // becomes
    %z = linalg.fill ins(%zero) outs(%e)
    %a = linalg.matmul ins(...) outs(%z)
    %e2 = tensor.empty() : tensor<64x128xf32>
    %z2 = linalg.fill ins(%zero) outs(%e2)
    %b = linalg.matmul ins(...) outs(%z2)
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}

def ExpandArith : Pass<"lp-expand-arith"> {
  let summary = "arith-expand, except for running minima and maxima in memory";
  let description = [{
    What `arith-expand{include-bf16}` does (ceil/floor divisions, bf16
    extensions and truncations, `minimumf`/`maximumf` as compares and
    selects), except for a `minimumf`/`maximumf` that updates a memory
    location in place (`out[j] = min(out[j], x)`: one operand loaded from
    the location its only use stores to). That one stays, and becomes
    `llvm.minimum`/`llvm.maximum` (vminps/vmaxps with NaN handling on
    x86): expanded, LLVM turns `store(select(x < out[j], x, out[j]))` into
    a masked store (vmaskmovps), microcoded and slow on AMD CPUs, in every
    reduction that keeps a row (an observer's range over a batch). The
    results are the same: both forms propagate NaN (the intrinsic also
    orders -0 below +0).

    Before expanding, `extf(truncf(x))` becomes `x` when `x` already holds
    a value of the narrow type (the widening of one, a constant it
    represents, or a select of such): the same value (a NaN stays a NaN,
    with its own bits rather than the rounding's quiet NaN), and it saves a
    rounding, a dozen integer operations for bf16. Fusion leaves these
    where a 16-bit elementwise producer feeds a consumer that widens it
    again (the max-pool gradient into the ReLU gradient of a bf16 step).

    ```mlir
    %w = arith.extf %a : bf16 to f32
    %s = arith.select %c, %w, %zero : f32
    %t = arith.truncf %s : f32 to bf16
    %e = arith.extf %t : bf16 to f32   // becomes %s
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect"];
}

def GuardExpUnderflow : Pass<"lp-guard-exp-underflow"> {
  let summary = "Keep exp of very negative f32 inputs on the vector path";
  let description = [{
    Rewrites each f32 `math.exp %x` so that exp itself only sees arguments
    with normal results: `y = maximumf(x, -150)`, and where `y < -87`,
    `exp(y + 64) * exp(-64)` instead of `exp(y)`. The shift is exact for
    those `y`, so subnormal results are within about an ulp of the correctly
    rounded ones, inputs below -103.98 still give exactly +0, and NaN stays
    NaN. glibc's vector expf, which the JIT uses, recomputes out-of-range
    lanes one at a time with the scalar routine, and a causal attention mask
    (-1e9) makes half of every softmax such lanes. (Selecting 0 into the
    argument and the result under the same condition does not work: LLVM's
    InstCombine removes the inner select.)

    ```mlir
    %e = math.exp %x : f32
    // becomes
    %y = arith.maximumf %x, %cst_m150 : f32
    %u = arith.cmpf olt, %y, %cst_m87 : f32
    %s = arith.addf %y, %cst_64 : f32
    %a = arith.select %u, %s, %y : f32
    %g = math.exp %a : f32
    %c = arith.select %u, %cst_exp_m64, %cst_1 : f32
    %e = arith.mulf %g, %c : f32
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

def ParallelizeKernels : Pass<"lp-parallelize-kernels", "mlir::ModuleOp"> {
  let summary = "Run the outer loop of large linalg ops on several threads";
  let description = [{
    Splits every linalg op on buffers whose outermost iterator is parallel
    and whose static iteration space has at least `min-work` points into
    blocks of rows of the outermost loop: an `scf.parallel` over the block
    index whose body is the op on subviews of the block's rows. How many
    blocks: `threads`, or with `threads` = 0 (the default) as many as the
    runtime has threads, asked when the step runs (`lp_num_threads()`, the
    OpenMP thread count: a step compiled on one machine uses the cores of
    the one it runs on; the pass never reads the compiling machine). Rows
    are cut evenly (`ceil(rows / threads)` per block, the last block
    shorter). Operands the outer loop does not index are passed whole; an
    operand indexed by an expression of it keeps the op sequential. In
    lp-cpu-codegen it runs before lp-outline-kernels, so every block is a
    call of one ordinary kernel function (compiled and vectorised like any
    other; its outer size is dynamic) and `convert-scf-to-openmp` makes the
    loop an OpenMP work-sharing loop. Ops below `min-work`, with a
    reduction or a dynamic size outermost, stay sequential: a fork costs
    microseconds.

    ```mlir
    linalg.generic ... outs(%o : memref<2048x512xf32>)
    // becomes
    %t = func.call @lp_num_threads() : () -> index
    %size = arith.ceildivui %c2048, %t : index
    %count = arith.ceildivui %c2048, %size : index
    scf.parallel (%c) = (%c0) to (%count) step (%c1) {
      %first = arith.muli %c, %size : index
      %rows = arith.minsi %size, (%c2048 - %first) : index
      %sv = memref.subview %o[%first, 0] [%rows, 512] [1, 1] ...
      linalg.generic ... outs(%sv : memref<?x512xf32, strided<[512, 1], offset: ?>>)
    }
    ```
  }];
  let options = [
    Option<"threads", "threads", "int64_t", /*default=*/"0",
           "Blocks per op: 0 as many as the runtime's threads, asked at run "
           "time (lp_num_threads); 1 none are split; N exactly N (the "
           "pipelines pass their `threads` option)">,
    Option<"minWork", "min-work", "int64_t", /*default=*/"262144",
           "Smallest iteration space that is split">
  ];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::affine::AffineDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::func::FuncDialect"];
}

def InlineAllocaScopes : Pass<"lp-inline-alloca-scopes"> {
  let summary = "Replace memref.alloca_scope ops without allocas by their body";
  let description = [{
    `convert-scf-to-openmp` wraps every parallel loop body in a
    `memref.alloca_scope`; once the body's inner loops are lowered to
    blocks the scope would need several blocks, which it may not have. A
    scope with no `memref.alloca` inside (and no results) frees nothing:
    its body replaces it. Scopes that allocate are left alone.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}

def EmitEntryPoints : Pass<"lp-emit-entry-points", "mlir::ModuleOp"> {
  let summary = "Emit each described function's signature and packed entry";
  let description = [{
    Runs on the LLVM dialect at the end of the CPU pipeline. For each
    function that lp-record-signature described (`lp.signature`) and that
    takes its results as out-parameters, emits:
    - `lp_signature_<fn>`: the signature document (docs/Architecture.md),
      completed with `entry` and, for each result updated in place
      (`lp.inplace_results`), its `inplace_arg`; a NUL-terminated string;
    - `lp_entry_<fn>(ptr args)`: calls `fn` with `*args[i]` as its i-th
      parameter (the expanded memref descriptors of the arguments, then of
      the out-parameters);
    - `lp_entry_points`: the JSON list of the functions described.
    In a module with GPU kernels (`gpu.binary`, from `lp-gpu-codegen`) the
    signature also says `"device": "cuda"`: the function takes device
    buffers.
    The runtime finds a step through these symbols, in the JIT and in a
    shared object alike. Fails when a result is updated in place in an
    argument of another name.

    ```mlir
    llvm.mlir.global external constant @lp_signature_f("{...}\00")
    llvm.func @lp_entry_f(%args: !llvm.ptr)
    ```
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // LP_CODEGEN_PASSES_TD
