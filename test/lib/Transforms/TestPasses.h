//===- TestPasses.h - passes that exist for tests only ----------*- C++ -*-===//
//
// Gradient transforms that exercise the gradient contract
// (docs/Architecture.md) without shipping a precision feature: lp-opt
// registers them, nothing else does.
//
//===----------------------------------------------------------------------===//

#ifndef LP_TEST_LIB_TRANSFORMS_TESTPASSES_H
#define LP_TEST_LIB_TRANSFORMS_TESTPASSES_H

namespace lp::test {

/// lp-test-scale-seeds (phase scale-seeds).
void registerTestScaleSeeds();
/// lp-test-unscale-gradients (phase unscale).
void registerTestUnscaleGradients();

/// All of the above.
inline void registerTestPasses() {
  registerTestScaleSeeds();
  registerTestUnscaleGradients();
}

} // namespace lp::test

#endif // LP_TEST_LIB_TRANSFORMS_TESTPASSES_H
