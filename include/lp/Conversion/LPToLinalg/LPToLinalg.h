//===- LPToLinalg.h - lp to linalg conversion --------------------*- C++ -*-===//

#ifndef LP_CONVERSION_LPTOLINALG_LPTOLINALG_H
#define LP_CONVERSION_LPTOLINALG_LPTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace lp {

/// Patterns for elementwise ops, casts and shape ops.
void populateLPElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// Patterns for linear, matmul, conv2d and pooling.
void populateLPContractionToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// Patterns for reductions, softmax, layer norm and losses.
void populateLPReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Patterns for the gradient ops that backward passes are built from.
void populateLPGradientToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// Patterns for the optimizer update ops.
void populateLPOptimizerToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// lp.loss_seed, lp.gradients and lp.all_finite.
void populateLPStepToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// lp.fake_quant and its gradient (QuantPatterns.cpp).
void populateLPQuantToLinalgPatterns(mlir::RewritePatternSet &patterns);
/// lp.aminmax, lp.observe, lp.quant_params and lp.select
/// (ObserverPatterns.cpp).
void populateLPObserverToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// f32 conv2d and its gradients as linalg.generic ops marked for the
/// runtime's direct convolutions (lp-convs-to-library); they take
/// precedence over the im2col patterns.
void populateLPConvToLibraryPatterns(mlir::RewritePatternSet &patterns);

/// All of the above but the library convolutions.
void populateLPToLinalgConversionPatterns(mlir::RewritePatternSet &patterns);

} // namespace lp

#endif // LP_CONVERSION_LPTOLINALG_LPTOLINALG_H
