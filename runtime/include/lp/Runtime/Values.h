//===- Values.h - reading and writing array elements ------------*- C++ -*-===//

#ifndef LP_RUNTIME_VALUES_H
#define LP_RUNTIME_VALUES_H

#include "lp/Runtime/Signature.h"

#include <string>
#include <vector>

namespace lp {
namespace rt {

/// Stores double values into an array of the slot's dtype and shape (RNE
/// for 16-bit floats).
npy::Array makeArray(const TensorSlot &slot, const std::vector<double> &values);

/// Reads element `i` of a float or integer array as a double (of the
/// elements at `data`, of type `dtype`).
double elementAsDouble(const npy::Array &a, int64_t i);
double elementAsDouble(npy::DType dtype, const void *data, int64_t i);

/// Reads element `i` of an integer array exactly (floats are truncated).
int64_t elementAsInt64(const npy::Array &a, int64_t i);
int64_t elementAsInt64(npy::DType dtype, const void *data, int64_t i);

/// Checks that every value of `a` is in [0, slot.indexBound) when the slot
/// has a bound; returns an empty string or a message starting with `what`.
std::string checkIndexBound(const TensorSlot &slot, const npy::Array &a,
                            const std::string &what);
/// The same for `count` elements of type `dtype` at `data`.
std::string checkIndexBound(const TensorSlot &slot, npy::DType dtype,
                            const void *data, int64_t count,
                            const std::string &what);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_VALUES_H
