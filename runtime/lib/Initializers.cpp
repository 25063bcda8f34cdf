//===- Initializers.cpp - parameter and random input values ---------------===//

#include "lp/Runtime/Initializers.h"
#include "lp/Runtime/Values.h"

#include <cmath>
#include <cstring>

using namespace lp;
using namespace lp::rt;

static uint64_t splitmix64(uint64_t &x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

Rng::Rng(uint64_t seed) {
  for (uint64_t &v : s)
    v = splitmix64(seed);
}

uint64_t Rng::next() {
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double Rng::uniform() { return double(next() >> 11) * 0x1.0p-53; }

double Rng::normal() {
  double u1 = 1.0 - uniform(); // (0, 1]
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
}

/// FNV-1a of a name, mixed into the seed.
static uint64_t streamSeed(uint64_t seed, const std::string &name) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : name)
    h = (h ^ c) * 1099511628211ull;
  return seed ^ h;
}

npy::Array lp::rt::initializeParam(const TensorSlot &slot, uint64_t seed) {
  Rng rng(streamSeed(seed, slot.name));
  InitSpec spec = slot.init.value_or(InitSpec{InitSpec::Constant, 0, 0});
  auto [fanIn, fanOut] = computeFans(slot.shape);
  double glorot = std::sqrt(2.0 / double(std::max<int64_t>(fanIn + fanOut, 1)));
  std::vector<double> values(slot.numElements());
  for (double &v : values) {
    switch (spec.kind) {
    case InitSpec::Constant:
      v = spec.a;
      break;
    case InitSpec::Normal:
      v = spec.a + spec.b * rng.normal();
      break;
    case InitSpec::Uniform:
      v = spec.a + (spec.b - spec.a) * rng.uniform();
      break;
    case InitSpec::GlorotUniform: // limit sqrt(6 / (in + out))
      v = (2.0 * rng.uniform() - 1.0) * glorot * std::sqrt(3.0);
      break;
    case InitSpec::GlorotNormal:
      v = glorot * rng.normal();
      break;
    }
  }
  return makeArray(slot, values);
}

npy::Array lp::rt::randomInput(const TensorSlot &slot, uint64_t seed) {
  Rng rng(streamSeed(seed, slot.name));
  bool isFloat =
      slot.dtype == npy::DType::F32 || slot.dtype == npy::DType::F16 ||
      slot.dtype == npy::DType::BF16 || slot.dtype == npy::DType::F64;
  int64_t bound = slot.indexBound.value_or(2);
  std::vector<double> values(slot.numElements());
  for (double &v : values)
    v = isFloat ? rng.normal() : double(rng.next() % uint64_t(bound));
  return makeArray(slot, values);
}
