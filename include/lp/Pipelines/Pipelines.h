//===- Pipelines.h - LP's registered pass pipelines --------------*- C++ -*-===//

#ifndef LP_PIPELINES_PIPELINES_H
#define LP_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace lp {

/// How `lp-lower-to-llvm` lowers f32 matmuls.
enum class MatmulLowering { Blas, Vector, Loops };

/// Options of `lp-lower-to-llvm`.
struct LowerToLLVMOptions
    : public mlir::PassPipelineOptions<LowerToLLVMOptions> {
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse elementwise linalg ops into their producers and "
                     "consumers before bufferization"),
      llvm::cl::init(true)};
  Option<MatmulLowering> matmul{
      *this, "matmul", llvm::cl::desc("How f32 matmuls run"),
      llvm::cl::init(MatmulLowering::Blas),
      llvm::cl::values(
          clEnumValN(MatmulLowering::Blas, "blas",
                     "cblas_sgemm calls (the default)"),
          clEnumValN(MatmulLowering::Vector, "vector",
                     "generated tiled vector code (lp-vectorize-matmul)"),
          clEnumValN(MatmulLowering::Loops, "loops", "plain loops"))};
  Option<bool> outlineBlocks{
      *this, "outline-blocks",
      llvm::cl::desc("Lower each repeated block once: outline its runs into "
                     "shared functions first (lp-outline-blocks)"),
      llvm::cl::init(true)};
  Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("Outline each linalg op into a shared noinline kernel "
                     "function (lp-outline-kernels)"),
      llvm::cl::init(true)};
  Option<bool> parallel{
      *this, "parallel",
      llvm::cl::desc("Split large kernels over the machine's threads with "
                     "OpenMP (lp-parallelize-kernels)"),
      llvm::cl::init(true)};
  Option<bool> approximateMath{
      *this, "approximate-math",
      llvm::cl::desc("Replace f32 exp/log/tanh/erf by inline polynomials "
                     "(lp-approximate-math): vectorisable, but a few ulp "
                     "off and wrong for subnormal log inputs"),
      llvm::cl::init(false)};
  Option<bool> inplaceResults{
      *this, "inplace-results",
      llvm::cl::desc("Drop results updated in place in an argument "
                     "(lp-drop-inplace-results; what lp-run --train uses)"),
      llvm::cl::init(false)};
  Option<bool> resultsToOutParams{
      *this, "results-to-out-params",
      llvm::cl::desc("Return tensors through caller-allocated out-parameters "
                     "(the calling convention lp-run uses)"),
      llvm::cl::init(true)};
};

/// lp (or linalg-on-tensors) -> bufferized loops -> LLVM dialect, for the
/// CPU. The output is accepted by upstream mlir-opt and mlir-translate.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const LowerToLLVMOptions &options);

/// Registers `lp-lower-to-llvm`.
void registerPipelines();

} // namespace lp

#endif // LP_PIPELINES_PIPELINES_H
