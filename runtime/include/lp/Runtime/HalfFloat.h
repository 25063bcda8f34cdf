//===- HalfFloat.h - f16 and bf16 bit conversions ----------------*- C++ -*-===//
///
/// \file
/// Conversions between float and the 16-bit formats, round to nearest even,
/// as numpy's float16 and ml_dtypes' bfloat16 do. Header-only, no LLVM.
///
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_HALFFLOAT_H
#define LP_RUNTIME_HALFFLOAT_H

#include <cstdint>
#include <cstring>

namespace lp {

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float bitsFloat(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// bfloat16 -> float (exact).
inline float bf16ToFloat(uint16_t h) { return bitsFloat(uint32_t(h) << 16); }

/// float -> bfloat16, nearest even; NaN stays a (quiet) NaN.
inline uint16_t floatToBf16(float f) {
  uint32_t u = floatBits(f);
  if ((u & 0x7fffffffu) > 0x7f800000u)
    return uint16_t((u >> 16) | 0x40);
  uint32_t lsb = (u >> 16) & 1u;
  return uint16_t((u + 0x7fffu + lsb) >> 16);
}

/// IEEE half -> float (exact).
inline float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1fu;
  uint32_t man = h & 0x3ffu;
  if (exp == 0x1f)
    return bitsFloat(sign | 0x7f800000u | (man << 13));
  if (exp == 0) {
    // Subnormal: man * 2^-24.
    float v = float(man) * (1.0f / 16777216.0f);
    return sign ? -v : v;
  }
  return bitsFloat(sign | ((exp + 112) << 23) | (man << 13));
}

/// float -> IEEE half, nearest even; overflow gives inf.
inline uint16_t floatToHalf(float f) {
  uint32_t u = floatBits(f);
  uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  uint32_t a = u & 0x7fffffffu;
  if (a > 0x7f800000u)
    return sign | 0x7e00u;
  if (a >= 0x477ff000u) // >= 65520: rounds to inf
    return sign | 0x7c00u;
  if (a < 0x38800000u) { // below the smallest normal 2^-14
    // Round |f| * 2^24 to an integer, nearest even.
    float scaled = bitsFloat(a) * 16777216.0f;
    uint32_t q = uint32_t(scaled);
    float rest = scaled - float(q);
    if (rest > 0.5f || (rest == 0.5f && (q & 1u)))
      ++q;
    return sign | uint16_t(q);
  }
  uint32_t lsb = (a >> 13) & 1u;
  a += 0xfffu + lsb;
  return sign | uint16_t(((a >> 13) - (112u << 10)) & 0xffffu);
}

} // namespace lp

#endif // LP_RUNTIME_HALFFLOAT_H
