//===- Pipelines.h - LP's registered pass pipelines -------------*- C++ -*-===//
//
// The CPU lowering is three stages, each a registered pipeline with typed
// options (modelled on upstream's gpu-lower-to-nvvm-pipeline):
//
//   lp-lower-to-linalg   lp -> linalg on tensors, fusion       (any target)
//   lp-bufferize         tensors -> buffers, calling convention (any target)
//   lp-cpu-codegen       linalg on buffers -> LLVM dialect      (the CPU)
//
// `lp-lower-to-llvm` runs the three in order. A GPU back end reuses the first
// two. No stage reads the compiling host: the thread count is an option that
// the driver (lp-run) resolves.
//
//===----------------------------------------------------------------------===//

#ifndef LP_PIPELINES_PIPELINES_H
#define LP_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace lp {

/// How the CPU back end lowers f32 matmuls.
enum class MatmulLowering { Blas, Vector, Loops };

/// How f32 convolutions and their gradients are lowered: direct
/// convolutions of the runtime (convert-lp-to-linalg conv-library,
/// lp-convs-to-library) or im2col copies and products.
enum class ConvLowering { Library, Im2col };

#define LP_WIDEN_LOWP_OPTION                                                   \
  ListOption<std::string> widenLowp {                                          \
    *this, "widen-lowp",                                                       \
        llvm::cl::desc(                                                        \
            "16-bit types (bf16, f16) whose products and convolutions run "    \
            "in f32 on operands widened once per step "                        \
            "(lp-widen-lowp-products): for a CPU without native products of "  \
            "the type; lp-run sets it from the CPU's features")                \
  }

#define LP_CONV_OPTION                                                         \
  Option<ConvLowering> conv {                                                  \
    *this, "conv", llvm::cl::desc("How f32 convolutions run"),                 \
        llvm::cl::init(ConvLowering::Library),                                 \
        llvm::cl::values(                                                      \
            clEnumValN(ConvLowering::Library, "library",                       \
                       "the runtime's direct convolutions (oneDNN; the "       \
                       "default)"),                                            \
            clEnumValN(ConvLowering::Im2col, "im2col",                         \
                       "im2col copies and products"))                          \
  }

#define LP_OUTLINE_BLOCKS_OPTION                                               \
  Option<bool> outlineBlocks {                                                 \
    *this, "outline-blocks",                                                   \
        llvm::cl::desc(                                                        \
            "Lower each repeated block once: outline its runs into "           \
            "shared functions first (lp-outline-blocks)"),                     \
        llvm::cl::init(true)                                                   \
  }

#define LP_FUSE_ELEMENTWISE_OPTION                                             \
  Option<bool> fuseElementwise {                                               \
    *this, "fuse-elementwise",                                                 \
        llvm::cl::desc("Fuse elementwise linalg ops into their producers and " \
                       "consumers before bufferization"),                      \
        llvm::cl::init(true)                                                   \
  }

#define LP_INPLACE_RESULTS_OPTION                                              \
  Option<bool> inplaceResults {                                                \
    *this, "inplace-results",                                                  \
        llvm::cl::desc("Drop results updated in place in an argument "         \
                       "(lp-drop-inplace-results; what lp-run --train uses)"), \
        llvm::cl::init(false)                                                  \
  }

#define LP_RESULTS_TO_OUT_PARAMS_OPTION                                        \
  Option<bool> resultsToOutParams {                                            \
    *this, "results-to-out-params",                                            \
        llvm::cl::desc(                                                        \
            "Return tensors through caller-allocated out-parameters "          \
            "(the calling convention lp-run uses)"),                           \
        llvm::cl::init(true)                                                   \
  }

#define LP_MATMUL_OPTION                                                       \
  Option<MatmulLowering> matmul {                                              \
    *this, "matmul", llvm::cl::desc("How f32 matmuls run"),                    \
        llvm::cl::init(MatmulLowering::Blas),                                  \
        llvm::cl::values(                                                      \
            clEnumValN(MatmulLowering::Blas, "blas",                           \
                       "cblas_sgemm calls (the default)"),                     \
            clEnumValN(MatmulLowering::Vector, "vector",                       \
                       "generated tiled vector code (lp-vectorize-matmul)"),   \
            clEnumValN(MatmulLowering::Loops, "loops", "plain loops"))         \
  }

#define LP_OUTLINE_KERNELS_OPTION                                              \
  Option<bool> outlineKernels {                                                \
    *this, "outline-kernels",                                                  \
        llvm::cl::desc("Outline each linalg op into a shared noinline kernel " \
                       "function (lp-outline-kernels)"),                       \
        llvm::cl::init(true)                                                   \
  }

#define LP_PARALLEL_OPTION                                                     \
  Option<bool> parallel {                                                      \
    *this, "parallel",                                                         \
        llvm::cl::desc(                                                        \
            "Split large kernels and products into `threads` blocks "          \
            "run by OpenMP (lp-parallelize-kernels, "                          \
            "lp-linalg-to-blas split-min)"),                                   \
        llvm::cl::init(true)                                                   \
  }

#define LP_THREADS_OPTION                                                      \
  Option<unsigned> threads {                                                   \
    *this, "threads",                                                          \
        llvm::cl::desc("Blocks per split kernel or product with `parallel`: "  \
                       "0 (the default) as many as the runtime's OpenMP "      \
                       "threads, asked when the step runs (lp_num_threads); "  \
                       "1 none; N exactly N"),                                 \
        llvm::cl::init(0)                                                      \
  }

#define LP_GPU_LAUNCHES_OPTION                                                 \
  Option<bool> gpuLaunches {                                                   \
    *this, "gpu-launches",                                                     \
        llvm::cl::desc("Map every loop nest as the GPU back end does "         \
                       "(lp-map-to-gpu) and run each launch's threads as "     \
                       "loops (lp-emulate-gpu-launches): checks the GPU "      \
                       "mapping on the CPU"),                                  \
        llvm::cl::init(false)                                                  \
  }

#define LP_APPROXIMATE_MATH_OPTION                                             \
  Option<bool> approximateMath {                                               \
    *this, "approximate-math",                                                 \
        llvm::cl::desc("Replace f32 exp/log/tanh/erf by inline polynomials "   \
                       "(lp-approximate-math): vectorisable, but a few ulp "   \
                       "off and wrong for subnormal log inputs"),              \
        llvm::cl::init(false)                                                  \
  }

/// Options of `lp-lower-to-linalg`.
struct LowerToLinalgOptions
    : public mlir::PassPipelineOptions<LowerToLinalgOptions> {
  LP_CONV_OPTION;
  LP_WIDEN_LOWP_OPTION;
  LP_OUTLINE_BLOCKS_OPTION;
  LP_FUSE_ELEMENTWISE_OPTION;
};

/// Options of `lp-bufferize`.
struct BufferizeOptions : public mlir::PassPipelineOptions<BufferizeOptions> {
  LP_INPLACE_RESULTS_OPTION;
  LP_RESULTS_TO_OUT_PARAMS_OPTION;
};

/// Options of `lp-cpu-codegen`.
struct CPUCodegenOptions : public mlir::PassPipelineOptions<CPUCodegenOptions> {
  LP_MATMUL_OPTION;
  LP_OUTLINE_KERNELS_OPTION;
  LP_PARALLEL_OPTION;
  LP_THREADS_OPTION;
  LP_GPU_LAUNCHES_OPTION;
  LP_APPROXIMATE_MATH_OPTION;
};

/// Options of `lp-lower-to-llvm`: those of its three stages, with the same
/// names and defaults (test/Pipelines checks that its output equals the
/// stages run one after another).
struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  LP_CONV_OPTION;
  LP_WIDEN_LOWP_OPTION;
  LP_FUSE_ELEMENTWISE_OPTION;
  LP_MATMUL_OPTION;
  LP_OUTLINE_BLOCKS_OPTION;
  LP_OUTLINE_KERNELS_OPTION;
  LP_PARALLEL_OPTION;
  LP_THREADS_OPTION;
  LP_GPU_LAUNCHES_OPTION;
  LP_APPROXIMATE_MATH_OPTION;
  LP_INPLACE_RESULTS_OPTION;
  LP_RESULTS_TO_OUT_PARAMS_OPTION;
};

/// How the GPU back end runs matmuls.
enum class GpuMatmulLowering { Generated, Cublaslt, Mma };

#define LP_GPU_CODEGEN_OPTIONS                                                 \
  Option<GpuMatmulLowering> matmul{                                            \
      *this, "matmul", llvm::cl::desc("How matmuls run on the GPU"),           \
      llvm::cl::init(GpuMatmulLowering::Generated),                            \
      llvm::cl::values(                                                        \
          clEnumValN(GpuMatmulLowering::Generated, "generated",                \
                     "loops mapped like every other nest (the default, "       \
                     "until cuBLASLt is measured on a GPU)"),                  \
          clEnumValN(GpuMatmulLowering::Cublaslt, "cublaslt",                  \
                     "calls of the runtime's cuBLASLt products "               \
                     "(lp-linalg-to-blas cuda)"),                              \
          clEnumValN(GpuMatmulLowering::Mma, "mma",                            \
                     "f16/bf16 products on tensor cores, generated "           \
                     "(lp-map-products-to-mma); the rest generated"))};        \
  Option<std::string> chip{*this, "chip",                                      \
                           llvm::cl::desc("The GPU the cubin is for: sm_90 "   \
                                          "(the default), sm_80, any sm_XX"),  \
                           llvm::cl::init("sm_90")};                           \
  Option<std::string> features{                                                \
      *this, "features",                                                       \
      llvm::cl::desc("NVVM target features; empty (the default) chooses the "  \
                     "PTX ISA the chip needs (+ptx80 up to sm_90, +ptx88 "     \
                     "from sm_100)"),                                          \
      llvm::cl::init("")};                                                     \
  Option<std::string> toolkit{                                                 \
      *this, "toolkit",                                                        \
      llvm::cl::desc("The CUDA toolkit whose ptxas assembles the kernels"),    \
      llvm::cl::init("/usr/local/cuda")};                                      \
  Option<std::string> format{                                                  \
      *this, "format",                                                         \
      llvm::cl::desc("What the gpu.binary holds: bin (cubin, the default), "   \
                     "isa (PTX), fatbin, llvm, offloading"),                   \
      llvm::cl::init("bin")};                                                  \
  Option<unsigned> optLevel{                                                   \
      *this, "opt-level",                                                      \
      llvm::cl::desc("Optimization level of the kernels (default 3)"),         \
      llvm::cl::init(3)};                                                      \
  Option<int64_t> blockSize {                                                  \
    *this, "block-size",                                                       \
        llvm::cl::desc("Threads per block of the mapped loop nests (1 to "     \
                       "1024, default 256)"),                                  \
        llvm::cl::init(256)                                                    \
  }

/// Options of `lp-gpu-codegen`.
struct GPUCodegenOptions : public mlir::PassPipelineOptions<GPUCodegenOptions> {
  LP_GPU_CODEGEN_OPTIONS;
};

/// Options of `lp-lower-to-nvvm`: the front stages' (convolutions are
/// always im2col products) and those of lp-gpu-codegen.
struct LowerToNVVMOptions
    : public mlir::PassPipelineOptions<LowerToNVVMOptions> {
  LP_GPU_CODEGEN_OPTIONS;
  LP_FUSE_ELEMENTWISE_OPTION;
  LP_OUTLINE_BLOCKS_OPTION;
  LP_INPLACE_RESULTS_OPTION;
};

/// lp (or linalg on tensors) -> linalg on tensors, fused: outlines repeated
/// blocks, converts lp ops, fuses elementwise ops, folds transposes into
/// matmuls and gives each product its own zero fill.
void buildLowerToLinalgPipeline(mlir::OpPassManager &pm,
                                const LowerToLinalgOptions &options);

/// linalg on tensors -> linalg on buffers: one-shot bufferization across
/// functions, results through out-parameters, buffer deallocation.
void buildBufferizePipeline(mlir::OpPassManager &pm,
                            const BufferizeOptions &options);

/// linalg on buffers -> LLVM dialect for the CPU: BLAS calls, parallel
/// chunks, outlined kernels, loops, OpenMP and the LLVM conversions.
void buildCPUCodegenPipeline(mlir::OpPassManager &pm,
                             const CPUCodegenOptions &options);

/// linalg on buffers -> launches (lp-map-to-gpu), outlined kernels, NVVM
/// and a cubin or PTX embedded in the module; host code -> LLVM dialect
/// calling the runtime.
void buildGPUCodegenPipeline(mlir::OpPassManager &pm,
                             const GPUCodegenOptions &options);

/// lp (or linalg on tensors) -> the GPU: lp-lower-to-linalg (convolutions
/// as im2col products), lp-bufferize and lp-gpu-codegen.
void buildLowerToNVVMPipeline(mlir::OpPassManager &pm,
                              const LowerToNVVMOptions &options);

/// lp (or linalg on tensors) -> LLVM dialect for the CPU: the three stages
/// above. The output is accepted by upstream mlir-opt and mlir-translate.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// One of those stages with the options `lp-lower-to-llvm` gives it: the
/// pipeline is the three in order (the compile API runs them one at a
/// time to keep the IR between them).
enum class LowerToLLVMStage { Linalg, Bufferize, Codegen };
void buildLowerToLLVMStage(mlir::OpPassManager &pm,
                           const LowerToLLVMOptions &options,
                           LowerToLLVMStage stage);

/// Registers `lp-lower-to-linalg`, `lp-bufferize`, `lp-cpu-codegen` and
/// `lp-lower-to-llvm`.
void registerPipelines();

} // namespace lp

#endif // LP_PIPELINES_PIPELINES_H
