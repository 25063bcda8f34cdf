//===- CpuFeatures.cpp - the ISA features of the running CPU --------------===//

#include "lp/Runtime/CpuFeatures.h"

#include <cpuid.h>
#include <cstdint>
#include <cstring>

namespace {

bool bit(unsigned reg, int n) { return (reg >> n) & 1u; }

/// XCR0: which register states the OS saves (AVX needs YMM, AVX-512 the
/// opmask and ZMM states).
uint64_t xcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

lp::rt::CpuFeatures read() {
  lp::rt::CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(0, &a, &b, &c, &d))
    return f;
  unsigned maxLeaf = a;
  char vendor[13] = {};
  std::memcpy(vendor, &b, 4);
  std::memcpy(vendor + 4, &d, 4);
  std::memcpy(vendor + 8, &c, 4);
  f.vendor = vendor;
  __get_cpuid(1, &a, &b, &c, &d);
  unsigned base = (a >> 8) & 0xf, ext = (a >> 20) & 0xff;
  f.family = base == 0xf ? base + ext : base;
  f.modelNumber = ((a >> 4) & 0xf) |
                  (base == 0x6 || base == 0xf ? ((a >> 16) & 0xf) << 4 : 0);
  bool osxsave = bit(c, 27);
  uint64_t xcr = osxsave ? xcr0() : 0;
  bool ymm = (xcr & 0x6) == 0x6, zmm = (xcr & 0xe6) == 0xe6;
  bool tiles = (xcr & (3ull << 17)) == (3ull << 17);
  f.fma = bit(c, 12) && ymm;
  f.f16c = bit(c, 29) && ymm;
  if (maxLeaf >= 7) {
    __get_cpuid_count(7, 0, &a, &b, &c, &d);
    f.avx2 = bit(b, 5) && ymm;
    f.avx512 = bit(b, 16) && bit(b, 17) && bit(b, 30) && bit(b, 31) && zmm;
    f.avx512Vnni = f.avx512 && bit(c, 11);
    f.avx512Fp16 = f.avx512 && bit(d, 23);
    f.amxBf16 = bit(d, 22) && bit(d, 24) && tiles;
    f.amxInt8 = bit(d, 25) && bit(d, 24) && tiles;
    unsigned a1 = 0, b1 = 0, c1 = 0, d1 = 0;
    __get_cpuid_count(7, 1, &a1, &b1, &c1, &d1);
    f.avx512Bf16 = f.avx512 && bit(a1, 5);
  }
  unsigned brand[12] = {};
  if (__get_cpuid(0x80000000, &a, &b, &c, &d) && a >= 0x80000004) {
    for (unsigned i = 0; i < 3; ++i)
      __get_cpuid(0x80000002 + i, &brand[4 * i], &brand[4 * i + 1],
                  &brand[4 * i + 2], &brand[4 * i + 3]);
    f.model = reinterpret_cast<const char *>(brand);
    while (!f.model.empty() && f.model.back() == ' ')
      f.model.pop_back();
  }
  return f;
}

} // namespace

const char *lp::rt::CpuFeatures::isaClass() const {
  if (amxBf16)
    return "amx";
  if (avx512)
    return "avx512";
  if (avx2 && fma)
    return "avx2";
  return "sse";
}

std::string lp::rt::CpuFeatures::flags() const {
  std::string s;
  auto add = [&](bool on, const char *name) {
    if (on)
      s += s.empty() ? name : std::string(" ") + name;
  };
  add(avx2, "avx2");
  add(fma, "fma");
  add(f16c, "f16c");
  add(avx512, "avx512");
  add(avx512Vnni, "avx512_vnni");
  add(avx512Bf16, "avx512_bf16");
  add(avx512Fp16, "avx512_fp16");
  add(amxBf16, "amx_bf16");
  add(amxInt8, "amx_int8");
  return s.empty() ? "none of avx2, fma, f16c, avx512" : s;
}

const lp::rt::CpuFeatures &lp::rt::cpuFeatures() {
  static const CpuFeatures features = read();
  return features;
}
