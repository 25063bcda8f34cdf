//===- Initializers.h - parameter and random input values -------*- C++ -*-===//

#ifndef LP_RUNNER_INITIALIZERS_H
#define LP_RUNNER_INITIALIZERS_H

#include "lp/Runner/ModelSignature.h"

#include <cstdint>

namespace lp {

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

/// Fills a parameter from its initialiser. The stream for each parameter is
/// derived from `seed` and the parameter's name, so adding a parameter does
/// not change the others.
npy::Array initializeParam(const TensorSlot &slot, uint64_t seed);

/// Seeded random data for an input: standard normal floats, or integers
/// uniform in [0, indexBound) (default [0, 2)).
npy::Array randomInput(const TensorSlot &slot, uint64_t seed);

/// Stores double values into an array of the slot's dtype (RNE for 16-bit).
npy::Array makeArray(const TensorSlot &slot, const std::vector<double> &values);

/// Reads element `i` of a float or integer array as a double.
double elementAsDouble(const npy::Array &a, int64_t i);

/// Reads element `i` of an integer array exactly (floats are truncated).
int64_t elementAsInt64(const npy::Array &a, int64_t i);

} // namespace lp

#endif // LP_RUNNER_INITIALIZERS_H
