//===- PrecisionWarning.cpp - lp-run's warning on slow 16-bit steps -------===//

#include "PrecisionWarning.h"
#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/CpuFeatures.h"

#include "llvm/Support/WithColor.h"

void lp::warnIfLowPrecisionIsSlow(llvm::StringRef precision) {
  bool bf16 = precision == "bf16", f16 = precision == "f16";
  if (!bf16 && !f16)
    return;
  // What chooseLowpProducts decided (CPU features, library, ISA cap).
  lp::rt::LowpPath path = lp::rt::lowpPath(bf16);
  if (path == lp::rt::LowpPath::NativeFast)
    return;
  const lp::rt::CpuFeatures &cpu = lp::rt::cpuFeatures();
  auto &os = llvm::WithColor::warning(llvm::errs(), "lp-run");
  if (f16)
    os << "oneDNN has no f16 product kernels";
  else if (cpu.amxBf16)
    os << "the contraction library or ISA cap leaves this CPU's AMX-BF16 "
          "unused";
  else if (cpu.avx512Bf16)
    os << "this CPU has AVX512_BF16 but no AMX-BF16, and oneDNN's bf16 "
          "products are slower than its f32 products there";
  else
    os << "this CPU has no AVX512_BF16 or AMX-BF16";
  os << ": " << precision << " products ";
  switch (path) {
  case lp::rt::LowpPath::WidenedOnce:
    os << "run as f32 products on operands widened once per step";
    break;
  case lp::rt::LowpPath::WidenedPerCall:
    os << "run as f32 products on operands widened on every call "
          "(--lowp-products=native)";
    break;
  default:
    os << "run on oneDNN's AVX512_BF16 kernels (--lowp-products=native)";
    break;
  }
  os << ", so this step is slower than the f32 step here (measured up "
        "to 1.64x the f32 step's time widened once per step, up to 1.74x "
        "on every call or on the AVX512_BF16 kernels, bf16, on "
        "bench/bench_lowp_paths.py's workloads on an AVX2 CPU and an "
        "AVX512_BF16 CPU without AMX: docs/MixedPrecision.md, \"Speed\"); "
        "it still shows "
     << precision << "'s numerics\n";
}
