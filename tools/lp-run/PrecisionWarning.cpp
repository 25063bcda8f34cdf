//===- PrecisionWarning.cpp - lp-run's warning on slow 16-bit steps -------===//

#include "PrecisionWarning.h"
#include "lp/Runtime/CpuFeatures.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/WithColor.h"

void lp::warnIfLowPrecisionIsSlow(llvm::StringRef precision,
                                  const std::vector<std::string> &widened) {
  const lp::rt::CpuFeatures &cpu = lp::rt::cpuFeatures();
  bool bf16 = precision == "bf16", f16 = precision == "f16";
  // Only AMX-BF16 makes bf16 products faster than f32 ones here
  // (Contractions.h, chooseLowpProducts).
  if (!(bf16 && !cpu.amxBf16) && !f16)
    return;
  bool once = llvm::is_contained(widened, precision.str());
  auto &os = llvm::WithColor::warning(llvm::errs(), "lp-run");
  bool units = bf16 ? cpu.avx512Bf16 : cpu.avx512Fp16;
  if (!units)
    os << "this CPU has no "
       << (bf16 ? "AVX512_BF16 or AMX-BF16" : "AVX512_FP16") << ": "
       << precision << " products run as f32 products on operands widened "
       << (once ? "once per step" : "on every call (--lowp-products=native)");
  else if (bf16)
    os << "this CPU has AVX512_BF16 but no AMX-BF16, and oneDNN's bf16 "
          "products are slower than its f32 products there: bf16 products "
       << (once ? "run as f32 products on operands widened once per step"
                : "run on oneDNN's AVX512_BF16 kernels "
                  "(--lowp-products=native)");
  else
    os << "oneDNN has no f16 product kernels: f16 products run as f32 "
          "products on operands widened "
       << (once ? "once per step" : "on every call (--lowp-products=native)");
  os << ", so this step is slower than the f32 step here: measured "
     << (once ? "0.97-1.64x" : "1.07-1.74x")
     << " the f32 step's time (bf16, fastest of interleaved runs) on "
        "bench/bench_lowp_paths.py's workloads on an AVX2 CPU and an "
        "AVX512_BF16 CPU without AMX (docs/MixedPrecision.md, \"Speed\"); "
        "it still shows "
     << precision << "'s numerics\n";
}
