//===- GPUPasses.td - LP GPU code generation passes --------*- tablegen -*-===//
//
// Passes of the GPU back end (lp-gpu-codegen, lp-lower-to-nvvm): linalg on
// buffers -> gpu.launch -> NVVM and host code that calls LP's runtime.
//
//===----------------------------------------------------------------------===//

#ifndef LP_CODEGEN_GPUPASSES_TD
#define LP_CODEGEN_GPUPASSES_TD

include "mlir/Pass/PassBase.td"

def MapToGpu : Pass<"lp-map-to-gpu", "mlir::ModuleOp"> {
  let summary = "Run every loop nest of the host functions in a gpu.launch";
  let description = [{
    Takes linalg on buffers (the output of `lp-bufferize`) and leaves host
    functions that only allocate, call and launch:

    - each linalg op becomes loops with its parallel dimensions outermost
      (generalized and interchanged first, so a bias gradient with
      iterators `[reduction, parallel]` runs one thread per column);
    - the parallel dimensions, of any rank, are flattened onto a 1-D grid
      of `block-size` threads (fewer when the whole nest is smaller):
      thread `t` of block `b` runs iteration `b * block-size + t` if it is
      in range, the last dimension fastest; reductions are sequential
      loops inside the thread;
    - `memref.copy` on the host becomes such a nest (any layout);
    - anything else that reads or writes memory on the host (a reduction
      of a whole tensor, a store to a 0-d buffer) runs in a one-thread
      launch, consecutive ones together.

    A host op that would read a value computed in a launch is an error.
    No launch allocates: buffers stay the host's allocations, which the
    GPU back end makes device allocations.

    ```mlir
    linalg.generic {iterator_types = ["parallel", "parallel"]}
        ins(%a : memref<64x10xf32>) outs(%b : memref<64x10xf32>) {...}
    // becomes
    gpu.launch blocks(%bx, ...) in (%gx = %c3, ...)
               threads(%tx, ...) in (%bdx = %c256, ...) {
      %i = bx * 256 + tx
      scf.if %i < 640 { %r = %i / 10, %c = %i % 10, load, compute, store }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block of the parallel nests (1 to 1024)">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::gpu::GPUDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def SplitReductions : Pass<"lp-split-reductions", "mlir::ModuleOp"> {
  let summary = "Reduce a whole tensor in parallel stages of partial "
                "results, for the GPU";
  let description = [{
    Before `lp-map-to-gpu`, which runs a reduction with no parallel
    dimension (a loss's sum, the all-finite check of loss scaling, a
    gradient's norm) as one thread. Each `linalg.generic` on buffers whose
    iterators are all reductions, whose one result is a 0-d buffer, whose
    loop ranges are static with at least `min-size` iterations in all, and
    whose body combines the accumulator once with an op that has a neutral
    element (`arith.addf`, `mulf`, `maximumf`, `minimumf`, `andi`,
    `ori`, ...), becomes:

    1. an `scf.parallel` of T threads (N / 16, at most `threads`): thread t
       runs the body over iterations t, t + T, t + 2T, ... (consecutive
       threads read consecutive elements), from the neutral element, and
       stores its partial result in a new buffer of T elements;
    2. while more than 256 partial results remain, an `scf.parallel` that
       combines them 64 to a thread, the same way;
    3. a loop that combines the last ones into the result, which
       `lp-map-to-gpu` runs in a one-thread launch.

    A reduction with parallel dimensions (its result map a permutation of
    them) whose P results are few for the length L of each (a bias
    gradient: P columns of L rows) is cut into R = min(L / 32, 32768 / P)
    chunks when R is at least 2: R x P threads, thread (r, p) (p fastest)
    folding iterations r, r + R, ... of result p into a partial result,
    then P threads, each combining its R partial results into its result
    from its value.

    The buffers of partial results are host allocations (the runtime's
    device memory), freed after their last stage: no kernel allocates.
    This reassociates the reduction, as `lp-reassociate-reductions` does
    on the CPU: a float sum's rounding differs from the sequential one's
    within the usual bound, and a NaN or an infinity still reaches the
    result.
  }];
  let options = [
    Option<"minSize", "min-size", "int64_t", /*default=*/"4096",
           "Leave reductions of fewer iterations to one thread">,
    Option<"threads", "threads", "int64_t", /*default=*/"65536",
           "Most threads of the first stage">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def MapProductsToMma : Pass<"lp-map-products-to-mma", "mlir::ModuleOp"> {
  let summary = "Run f16 and bf16 products on tensor cores (mma.sync)";
  let description = [{
    The generated tensor-core path (`lp-lower-to-nvvm matmul=mma`), before
    `lp-map-to-gpu`. Each `linalg.matmul` on buffers in a function's body
    (not in a loop or a branch) with f16 or bf16 operands and an f32
    result, an operand possibly read transposed (the indexing maps
    `lp-fold-transpose-into-matmul` gives it), whose sizes are positive
    multiples of the instruction's (m 16, n 8, k 16), becomes a
    `gpu.launch` of one warp per 16x8 tile of the result. Needs sm_80 or
    newer (ptxas refuses `mma.sync.m16n8k16` for older chips). The
    warp steps along k by 16: each lane loads its elements of the A and B
    fragments from global memory at the places PTX's `mma.m16n8k16`
    fragment layout gives it, packs them in pairs, and issues
    `nvvm.mma.sync` (f32 accumulation). At the end each lane adds its four
    sums to C (a product accumulates into C; the zero fill before it
    stays its own kernel). bf16 goes through `nvvm.mma.sync` directly, which
    upstream's vector-to-nvgpu path refuses.

    This is the simple form: no shared memory, `ldmatrix` or `cp.async`, so
    it is an option next to cuBLASLt, not the default. Products of other
    types or sizes stay as they were, for `lp-map-to-gpu`. A product to
    map for a `chip` older than sm_80 is a located error.
  }];
  let options = [
    Option<"chip", "chip", "std::string", /*default=*/"\"sm_90\"",
           "The GPU (sm_XY): mma.sync.m16n8k16 needs sm_80 or newer">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::gpu::GPUDialect",
                           "mlir::LLVM::LLVMDialect",
                           "mlir::NVVM::NVVMDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

def MergeGpuModules : Pass<"lp-merge-gpu-modules", "mlir::ModuleOp"> {
  let summary = "Put the outlined kernels of a module in one gpu.module";
  let description = [{
    `gpu-kernel-outlining` gives each kernel a `gpu.module` of its own (a
    train step has dozens). This pass moves every kernel into the first
    one, named as its own module was (names that would still clash get a
    suffix), and points the `gpu.launch_func` ops at it: the step becomes
    one cubin, assembled by one ptxas run and loaded once, and
    `lp-translate` has one object to emit. Modules with different targets
    are refused.

    ```mlir
    gpu.module @f_kernel { gpu.func @f_kernel(...) kernel {...} }
    gpu.module @f_kernel_0 { gpu.func @f_kernel(...) kernel {...} }
    gpu.launch_func @f_kernel_0::@f_kernel ...
    // becomes
    gpu.module @f_kernel { gpu.func @f_kernel(...) kernel {...}
                           gpu.func @f_kernel_0(...) kernel {...} }
    gpu.launch_func @f_kernel::@f_kernel_0 ...
    ```
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect"];
}

def EmulateGpuLaunches : Pass<"lp-emulate-gpu-launches"> {
  let summary = "Run each gpu.launch as loops on the host (a check of the "
                "GPU mapping without a GPU)";
  let description = [{
    Replaces every `gpu.launch` by loops over its blocks and threads, in
    order, with the launch's body inside: a serial execution of the
    kernel. Kernels that `lp-map-to-gpu` produces have no barriers and no
    shared memory, so any order of their threads computes the same
    values; running them on the CPU checks the mapping (the flattened
    indices, the guards, the one-thread launches) against the CPU back end
    without a GPU. A launch with a `gpu.barrier` is refused. `lp-run
    --gpu-launches-on-cpu` compiles the step this way.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def GpuHostCalls : Pass<"lp-gpu-host-calls", "mlir::ModuleOp"> {
  let summary = "Host code of a GPU step calls LP's runtime: device "
                "allocations and one stream per step";
  let description = [{
    Runs on the host code after its lowering to the LLVM dialect
    (`finalize-memref-to-llvm{use-generic-functions}`, `gpu-to-llvm`),
    where buffers are allocated through the generic hooks and each
    synchronous `gpu.launch_func` would create, synchronize and destroy a
    stream of its own when translated to LLVM IR:

    - `_mlir_memref_to_llvm_alloc` / `_aligned_alloc` / `_free` become
      `lp_cuda_alloc` / `lp_cuda_aligned_alloc` / `lp_cuda_free`: device
      memory, allocated and freed in stream order on the step's stream
      (the runtime keeps freed blocks for the next step);
    - each synchronous `gpu.launch_func` is given `lp_cuda_step_stream()`,
      the stream the runtime created for the step, as its async object:
      the kernels of a step run in order on one stream, the host code
      never reads device memory (`lp-map-to-gpu`), and the runtime
      synchronizes once, when it reads the step's results.

    The rest of MLIR's `mgpu*` ABI (module load, function lookup, launch)
    is implemented by the runtime with its usual meaning.
  }];
  let dependentDialects = ["mlir::gpu::GPUDialect",
                           "mlir::LLVM::LLVMDialect"];
}

#endif // LP_CODEGEN_GPUPASSES_TD
