//===- Initializers.h - parameter and random input values -------*- C++ -*-===//

#ifndef LP_RUNTIME_INITIALIZERS_H
#define LP_RUNTIME_INITIALIZERS_H

#include "lp/Runtime/Signature.h"

#include <cstdint>

namespace lp {
namespace rt {

/// A small, portable generator (splitmix64 seeded xoshiro256**): the same
/// seed gives the same values on every platform and standard library.
class Rng {
public:
  explicit Rng(uint64_t seed);
  uint64_t next();
  /// Uniform in [0, 1).
  double uniform();
  /// Standard normal (Box-Muller).
  double normal();

private:
  uint64_t s[4];
};

/// Fills a parameter from its initialiser (zeros without one). The stream
/// for each parameter is derived from `seed` and the parameter's name, so
/// adding a parameter does not change the others.
npy::Array initializeParam(const TensorSlot &slot, uint64_t seed);

/// Seeded random data for an input: standard normal floats, or integers
/// uniform in [0, indexBound) (default [0, 2)).
npy::Array randomInput(const TensorSlot &slot, uint64_t seed);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_INITIALIZERS_H
