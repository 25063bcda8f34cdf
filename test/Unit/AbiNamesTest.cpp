//===- AbiNamesTest.cpp - the reserved train-step names -------------------===//
//
// AbiNames.h builds without LLVM or MLIR (this target links neither).
//
//===----------------------------------------------------------------------===//

#include "lp/Dialect/LP/IR/AbiNames.h"

#include <gtest/gtest.h>

namespace {

TEST(AbiNames, StateNamesJoinParameterAndKind) {
  EXPECT_EQ(lp::stateName("fc1.w", lp::kAdamM), "fc1.w.adam.m");
  EXPECT_EQ(lp::stateName("w", lp::kSgdMomentum), "w.sgd.momentum");
  EXPECT_EQ(lp::stateName("w", lp::kObserverMin), "w.observer.min");
}

TEST(AbiNames, DefaultNames) {
  EXPECT_EQ(lp::defaultArgName(3), "arg3");
  EXPECT_EQ(lp::defaultResultName(0), "result0");
}

TEST(AbiNames, WholeNamesAreReserved) {
  for (std::string_view name : {"step", "loss.total", "logits", "loss_scale",
                                "loss_scale.growth", "step.skipped",
                                "found_inf", "grad_norm"})
    EXPECT_TRUE(lp::isReservedName(name)) << name;
  for (std::string_view name : {"loss", "w", "steps", "loss.total.x", ""})
    EXPECT_FALSE(lp::isReservedName(name)) << name;
}

TEST(AbiNames, StateOwnerIsTheParameterPart) {
  EXPECT_EQ(lp::stateOwner("fc1.w.adam.m"), std::string_view("fc1.w"));
  EXPECT_EQ(lp::stateOwner("w.sgd.momentum"), std::string_view("w"));
  EXPECT_EQ(lp::stateOwner("w.grad"), std::string_view("w"));
  EXPECT_EQ(lp::stateOwner("w.mask"), std::string_view("w"));
  // No parameter part, or not a reserved kind.
  EXPECT_EQ(lp::stateOwner(".adam.m"), std::nullopt);
  EXPECT_EQ(lp::stateOwner("adam.m"), std::nullopt);
  EXPECT_EQ(lp::stateOwner("w.adam"), std::nullopt);
  EXPECT_EQ(lp::stateOwner("wadam.m"), std::nullopt);
  EXPECT_EQ(lp::stateOwner("w.gradient"), std::nullopt);
}

} // namespace
