//===- CompileTest.cpp - the compile API, driven as Python will drive it --===//
//
// lp::compile on modules parsed from strings: diagnostics come back as data
// (severity, location, message), and a compiled function runs through the
// runtime's Step. Expected numbers are computed here by hand, not by LP.
//
//===----------------------------------------------------------------------===//

#include "lp/Runner/Compile.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Runtime/Trainer.h"
#include "lp/InitAll.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"

#include <gtest/gtest.h>

using namespace mlir;

namespace {

struct CompileTest : ::testing::Test {
  CompileTest() {
    lp::registerAllDialects(registry);
    registerBuiltinDialectTranslation(registry);
    registerLLVMDialectTranslation(registry);
    registerOpenMPDialectTranslation(registry);
    context = std::make_unique<MLIRContext>(registry);
    // Diagnostics are data here: nothing is printed.
    context->getDiagEngine().registerHandler(
        [](Diagnostic &) { return success(); });
  }
  OwningOpRef<ModuleOp> parse(llvm::StringRef text) {
    return parseSourceString<ModuleOp>(text, ParserConfig(context.get()),
                                       "model.mlir");
  }
  DialectRegistry registry;
  std::unique_ptr<MLIRContext> context;
};

const char *kScale = R"(
func.func @scale(%x: tensor<4xf32> {lp.role = "input", lp.name = "x"},
                 %w: tensor<4xf32> {lp.role = "param", lp.name = "w", lp.init = "ones"})
    -> (tensor<4xf32> {lp.name = "y"}) {
  %y = lp.mul %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}
)";

TEST_F(CompileTest, CompiledFunctionRunsThroughTheRuntime) {
  OwningOpRef<ModuleOp> module = parse(kScale);
  ASSERT_TRUE(module);
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  lp::CompileOptions options;
  options.lowering.parallel = false;
  auto compiled = lp::compile(*module, options);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  EXPECT_TRUE(diagnostics.empty());
  EXPECT_EQ(compiled->function, "scale");
  lp::rt::Step step;
  ASSERT_EQ(lp::rt::Step::load(*compiled->code, "scale", step), "");
  ASSERT_EQ(step.signature().args.size(), 2u);
  EXPECT_EQ(step.signature().args[1].role, lp::rt::Role::Param);
  float x[4] = {1, -2, 3.5, 0}, w[4] = {2, 2, -1, 5};
  std::vector<lp::npy::Array> results;
  step.call({x, w}, results);
  ASSERT_EQ(results.size(), 1u);
  const float *y = reinterpret_cast<const float *>(results[0].data.data());
  EXPECT_EQ(y[0], 2.0f);
  EXPECT_EQ(y[1], -4.0f);
  EXPECT_EQ(y[2], -3.5f);
  EXPECT_EQ(y[3], 0.0f);
}

const char *kClassifier = R"(
func.func @clf(%x: tensor<8x4xf32> {lp.role = "input", lp.name = "x"},
               %y: tensor<8xi64> {lp.role = "label", lp.name = "y"},
               %w: tensor<4x3xf32> {lp.role = "param", lp.name = "w", lp.init = "glorot_uniform"},
               %b: tensor<3xf32> {lp.role = "param", lp.name = "b"})
    -> (tensor<f32> {lp.name = "loss"}) {
  %h = lp.linear %x, %w, %b : (tensor<8x4xf32>, tensor<4x3xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  %t = lp.tanh %h : (tensor<8x3xf32>) -> tensor<8x3xf32>
  %l = lp.cross_entropy %t, %y : (tensor<8x3xf32>, tensor<8xi64>) -> tensor<f32>
  return %l : tensor<f32>
}
)";

TEST_F(CompileTest, StepsAllocateThroughTheRuntimeAndFreeEverything) {
  OwningOpRef<ModuleOp> module = parse(kClassifier);
  ASSERT_TRUE(module);
  lp::CompileOptions options;
  options.train = true;
  options.trainStep.optimizer = "adam";
  auto compiled = lp::compile(*module, options);
  ASSERT_TRUE(bool(compiled)) << llvm::toString(compiled.takeError());
  lp::rt::Step step;
  ASSERT_EQ(lp::rt::Step::load(*compiled->code, compiled->trainStep, step),
            "");
  lp::rt::RunOptions run;
  run.randomInputs = true;
  std::vector<lp::npy::Array> args;
  ASSERT_EQ(lp::rt::bindArguments(step.signature(), run, args), "");
  std::vector<void *> data;
  for (lp::npy::Array &a : args)
    data.push_back(a.data.data());
  std::vector<lp::npy::Array> results;
  lp::rt::AllocationStats before = lp::rt::allocationStats();
  for (int i = 0; i < 3; ++i)
    step.call(data, results);
  lp::rt::AllocationStats after = lp::rt::allocationStats();
  // The step's temporaries come from the runtime's hooks, and every one
  // is freed by the end of the step.
  EXPECT_GT(after.allocations - before.allocations, 0);
  EXPECT_EQ(after.allocations - before.allocations,
            after.frees - before.frees);
}

TEST_F(CompileTest, ErrorsComeBackAsLocatedDiagnostics) {
  OwningOpRef<ModuleOp> module = parse(R"(
func.func @dynamic(%x: tensor<?xf32> {lp.role = "input", lp.name = "x"}) -> tensor<?xf32> {
  return %x : tensor<?xf32>
}
)");
  ASSERT_TRUE(module);
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  lp::CompileOptions options;
  auto compiled = lp::compile(*module, options);
  ASSERT_FALSE(bool(compiled));
  EXPECT_EQ(llvm::toString(compiled.takeError()), "'dynamic' cannot be run");
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].severity, lp::Diagnostic::Severity::Error);
  EXPECT_EQ(diagnostics[0].location, "model.mlir:2:1");
  EXPECT_EQ(diagnostics[0].message,
            "'x' must be a statically shaped tensor, got 'tensor<?xf32>'");
}

TEST_F(CompileTest, TrainStepNeedsAModel) {
  OwningOpRef<ModuleOp> module = parse(kScale);
  ASSERT_TRUE(module);
  std::vector<lp::Diagnostic> diagnostics;
  lp::DiagnosticCollector collect(*context, diagnostics);
  lp::CompileOptions options;
  options.train = true;
  options.function = "nope";
  auto compiled = lp::compile(*module, options);
  ASSERT_FALSE(bool(compiled));
  llvm::consumeError(compiled.takeError());
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(diagnostics[0].message, "no function named 'nope'");
}

} // namespace
