//===- CpuFeatures.h - the ISA features of the running CPU ------*- C++ -*-===//
//
// What the CPU (and the OS, through XSAVE) offers, read with cpuid: the
// runtime picks contraction kernels from these features, never from the
// CPU model (docs/Performance.md, "Contractions").
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_CPUFEATURES_H
#define LP_RUNTIME_CPUFEATURES_H

#include <string>

namespace lp {
namespace rt {

struct CpuFeatures {
  std::string vendor, model; // "AuthenticAMD", the brand string
  unsigned family = 0, modelNumber = 0;
  bool avx2 = false, fma = false, f16c = false;
  /// AVX-512 F, BW, VL and DQ together (oneDNN's avx512_core).
  bool avx512 = false;
  bool avx512Vnni = false, avx512Bf16 = false, avx512Fp16 = false;
  /// AMX tiles with bf16 and int8 (the OS must still grant the tile state).
  bool amxBf16 = false, amxInt8 = false;

  /// The widest ISA class: "amx", "avx512", "avx2" or "sse".
  const char *isaClass() const;
  /// The features, space-separated ("avx2 fma f16c avx512 ...").
  std::string flags() const;
};

/// The running CPU's features (read once).
const CpuFeatures &cpuFeatures();

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_CPUFEATURES_H
