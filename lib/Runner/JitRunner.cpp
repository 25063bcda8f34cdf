//===- JitRunner.cpp - compile a lowered module and call it ---------------===//

#include "lp/Runner/JitRunner.h"
#include "lp/Runner/BlasDispatch.h"
#include "lp/Runner/HostOptimizer.h"
#include "lp/Runner/Initializers.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"

#include <cmath>
#include <cstdlib>

using namespace lp;

static std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string lp::checkArgument(const TensorSlot &slot, const npy::Array &a) {
  if (a.dtype != slot.dtype)
    return "argument '" + slot.name + "': dtype " + npy::dtypeName(a.dtype) +
           " does not match the model's " + npy::dtypeName(slot.dtype);
  if (a.shape != slot.shape)
    return "argument '" + slot.name + "': shape " + shapeText(a.shape) +
           " does not match the model's " + shapeText(slot.shape);
  if (slot.indexBound) {
    for (int64_t i = 0, e = a.numElements(); i < e; ++i) {
      int64_t v = elementAsInt64(a, i);
      if (v < 0 || v >= *slot.indexBound)
        return "argument '" + slot.name + "': value " +
               std::to_string(v) + " at flat index " +
               std::to_string(i) + " is outside [0, " +
               std::to_string(*slot.indexBound) + ")";
    }
  }
  return "";
}

JitRunner::JitRunner(std::unique_ptr<mlir::ExecutionEngine> engine)
    : engine(std::move(engine)) {}

JitRunner::~JitRunner() = default;

llvm::Expected<std::unique_ptr<JitRunner>>
JitRunner::create(mlir::ModuleOp module) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  // Optimise for the host CPU (its vector width and FMA), as the JIT's code
  // generator does: without a target machine LLVM's cost models assume no
  // vector unit and nothing gets vectorised.
  auto hostBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!hostBuilder)
    return hostBuilder.takeError();
  hostBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto hostMachine = hostBuilder->createTargetMachine();
  if (!hostMachine)
    return hostMachine.takeError();
  std::shared_ptr<llvm::TargetMachine> machine = std::move(*hostMachine);
  mlir::ExecutionEngineOptions options;
  // The debugger and profiler listeners write a file per run under /tmp;
  // LP_PERF_JIT=1 turns the perf one on (perf inject --jit names kernels).
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = std::getenv("LP_PERF_JIT") != nullptr;
  // ExecutionEngineOptions holds a function_ref: keep the callable alive.
  std::function<llvm::Error(llvm::Module *)> optimize =
      [machine](llvm::Module *m) { return optimizeForHost(*m, *machine); };
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // memref.copy of non-contiguous views lowers to a call to memrefCopy,
  // which lives in MLIR's C runner utils.
  // Matmuls lowered by lp-linalg-to-blas call cblas_sgemm; vectorised
  // math calls go to glibc's libmvec.
  // Parallel kernels (lp-parallelize-kernels) call LLVM's OpenMP runtime.
  llvm::SmallVector<llvm::StringRef, 4> libs{
      LP_MLIR_C_RUNNER_UTILS, LP_BLAS_LIBRARY, LP_LIBMVEC_LIBRARY,
      LP_OMP_LIBRARY};
  options.sharedLibPaths = libs;
  // OpenMP workers that finished a parallel kernel spin for KMP_BLOCKTIME
  // (200 ms by default) before sleeping, on the cores OpenBLAS's threads
  // need for the next product: the 4096-wide MLP's step went from 236 to
  // 306 ms. 5 ms keeps them ready between the kernels of a step (unless the
  // environment sets it; libomp reads it when the JIT loads it below).
  setenv("KMP_BLOCKTIME", "5", /*overwrite=*/0);
  if (llvm::Error error = loadBlas())
    return std::move(error);
  auto engine = mlir::ExecutionEngine::create(module, options);
  if (!engine)
    return engine.takeError();
  registerBlasDispatch(**engine);
  return std::unique_ptr<JitRunner>(new JitRunner(std::move(*engine)));
}

namespace {
/// Storage for the expanded memref descriptors of one call: for each
/// argument, (allocated, aligned, offset, sizes..., strides...).
struct PackedCall {
  std::vector<void *> pointers; ///< allocated/aligned pointer values
  std::vector<int64_t> ints;    ///< offsets, sizes, strides
  std::vector<void *> args;     ///< what invokePacked receives

  void add(void *data, const std::vector<int64_t> &shape) {
    pointers.push_back(data);
    ints.push_back(0);
    ints.insert(ints.end(), shape.begin(), shape.end());
    std::vector<int64_t> strides(shape.size(), 1);
    for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
      strides[i] = strides[i + 1] * shape[i + 1];
    ints.insert(ints.end(), strides.begin(), strides.end());
    layout.push_back(shape.size());
  }

  /// Takes the addresses once all storage is in place.
  void finish() {
    size_t p = 0, n = 0;
    for (size_t rank : layout) {
      args.push_back(&pointers[p]); // allocated
      args.push_back(&pointers[p]); // aligned
      ++p;
      for (size_t i = 0; i < 1 + 2 * rank; ++i)
        args.push_back(&ints[n++]);
    }
  }
  std::vector<size_t> layout;
};
} // namespace

llvm::Error JitRunner::run(const ModelSignature &signature,
                           const std::vector<npy::Array *> &args,
                           std::vector<npy::Array> &results) {
  if (args.size() != signature.args.size())
    return llvm::createStringError("expected " +
                                   std::to_string(signature.args.size()) +
                                   " arguments, got " +
                                   std::to_string(args.size()));
  std::vector<void *> data;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string error = checkArgument(signature.args[i], *args[i]);
    if (!error.empty())
      return llvm::createStringError(error);
    data.push_back(args[i]->data.data());
  }
  return runUnchecked(signature, data, results);
}

llvm::Error JitRunner::runUnchecked(const ModelSignature &signature,
                                    const std::vector<void *> &argData,
                                    std::vector<npy::Array> &results) {
  PackedCall call;
  for (auto [slot, data] : llvm::zip(signature.args, argData))
    call.add(data, slot.shape);
  results.resize(signature.results.size());
  for (auto [slot, r] : llvm::zip(signature.results, results)) {
    r.dtype = slot.dtype;
    r.shape = slot.shape;
    r.data.resize(slot.numElements() * npy::dtypeSize(slot.dtype));
  }
  for (npy::Array &r : results)
    call.add(r.data.data(), r.shape);
  call.finish();
  return engine->invokePacked(signature.function, call.args);
}
