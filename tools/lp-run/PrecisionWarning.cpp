//===- PrecisionWarning.cpp - lp-run's warning on slow 16-bit steps -------===//

#include "PrecisionWarning.h"
#include "lp/Runtime/CpuFeatures.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/WithColor.h"

void lp::warnIfLowPrecisionIsSlow(llvm::StringRef precision,
                                  const std::vector<std::string> &widened) {
  const lp::rt::CpuFeatures &cpu = lp::rt::cpuFeatures();
  bool bf16 = precision == "bf16", f16 = precision == "f16";
  if (!(bf16 && !cpu.avx512Bf16 && !cpu.amxBf16) && !(f16 && !cpu.avx512Fp16))
    return;
  bool once = llvm::is_contained(widened, precision.str());
  llvm::WithColor::warning(llvm::errs(), "lp-run")
      << "this CPU has no "
      << (bf16 ? "AVX512_BF16 or AMX-BF16" : "AVX512_FP16") << ": " << precision
      << " products run as f32 products on operands widened "
      << (once ? "once per step" : "on every call (--lowp-products=native)")
      << ", so this step is slower than the f32 step here: measured "
      << (once ? "1.03-1.64x" : "1.08-1.60x")
      << " the f32 step's time (bf16, fastest of interleaved runs) on "
         "bench/bench_lowp_paths.py's workloads on an AVX2 CPU "
         "(docs/MixedPrecision.md, \"Speed\"); it still shows "
      << precision << "'s numerics\n";
}
