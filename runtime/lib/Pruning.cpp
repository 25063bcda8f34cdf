//===- Pruning.cpp - magnitude pruning's masks, set by the trainer --------===//

#include "Pruning.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

using namespace lp::rt;
using namespace lp::rt::detail;

namespace {

constexpr std::string_view kMaskSuffix = ".prune.mask";

/// The weight a mask slot belongs to, or empty.
std::string maskedWeight(const TensorSlot &slot) {
  const std::string &n = slot.name;
  if (slot.role != Role::State || n.size() <= kMaskSuffix.size() ||
      n.compare(n.size() - kMaskSuffix.size(), kMaskSuffix.size(),
                kMaskSuffix) != 0)
    return "";
  return n.substr(0, n.size() - kMaskSuffix.size());
}

float *floats(lp::npy::Array &a) {
  return reinterpret_cast<float *>(a.data.data());
}

} // namespace

std::optional<double> lp::rt::detail::pruningTarget(const TrainOptions &opts,
                                                    int64_t s) {
  if (opts.pruneSparsity <= 0 || s < opts.pruneBegin || s > opts.pruneEnd ||
      (s - opts.pruneBegin) % opts.pruneEvery != 0)
    return std::nullopt;
  if (opts.pruneEnd == opts.pruneBegin)
    return opts.pruneSparsity;
  double left = 1.0 - double(s - opts.pruneBegin) /
                          double(opts.pruneEnd - opts.pruneBegin);
  return opts.pruneSparsity * (1.0 - left * left * left);
}

std::string lp::rt::checkPruneOptions(const TrainOptions &opts) {
  if (!(opts.pruneSparsity > 0 && opts.pruneSparsity < 1))
    return "--prune: sparsity must be in (0, 1), got " +
           std::to_string(opts.pruneSparsity);
  if (opts.pruneBegin < 0 || opts.pruneEnd < opts.pruneBegin ||
      opts.pruneEvery < 1)
    return "--prune: needs 0 <= begin <= end and every >= 1";
  return "";
}

std::string lp::rt::detail::checkPruning(const Signature &sig,
                                         const TrainOptions &opts,
                                         const ArrayMap &state) {
  if (opts.pruneSparsity == 0)
    return "";
  if (std::string e = checkPruneOptions(opts); !e.empty())
    return e;
  bool any = false;
  for (const TensorSlot &slot : sig.args) {
    std::string weight = maskedWeight(slot);
    if (weight.empty())
      continue;
    any = true;
    auto w = state.find(weight);
    if (w == state.end() || w->second.dtype != lp::npy::DType::F32 ||
        state.at(slot.name).dtype != lp::npy::DType::F32 ||
        w->second.shape != state.at(slot.name).shape)
      return "--prune: mask '" + slot.name + "' needs the f32 parameter '" +
             weight + "' of its shape";
  }
  if (!any)
    return "--prune: '" + sig.function +
           "' has no masks (compile it with pruning: lp-run --prune adds "
           "them with lp-prune)";
  return "";
}

void lp::rt::detail::applyPruning(const Signature &sig, ArrayMap &state,
                                  double sparsity) {
  for (const TensorSlot &slot : sig.args) {
    std::string weight = maskedWeight(slot);
    if (weight.empty())
      continue;
    float *mask = floats(state.at(slot.name));
    const float *w = floats(state.at(weight));
    int64_t n = state.at(weight).numElements();
    auto k = static_cast<int64_t>(std::floor(sparsity * double(n)));
    std::vector<float> magnitude(n);
    for (int64_t i = 0; i < n; ++i)
      magnitude[i] = std::fabs(w[i] * mask[i]);
    // The k smallest magnitudes, ties broken by position (deterministic).
    std::vector<int64_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    auto less = [&](int64_t a, int64_t b) {
      return magnitude[a] < magnitude[b] ||
             (magnitude[a] == magnitude[b] && a < b);
    };
    if (k > 0 && k < n)
      std::nth_element(order.begin(), order.begin() + k, order.end(), less);
    for (int64_t j = 0; j < n; ++j)
      mask[order[j]] = j < k ? 0.0f : 1.0f;
  }
}

void lp::rt::detail::reportSparsity(const Signature &sig, const ArrayMap &state,
                                    std::ostream &os) {
  for (const TensorSlot &slot : sig.args) {
    std::string weight = maskedWeight(slot);
    if (weight.empty())
      continue;
    const lp::npy::Array &m = state.at(slot.name);
    const float *mask = reinterpret_cast<const float *>(m.data.data());
    int64_t n = m.numElements(), zeros = 0;
    for (int64_t i = 0; i < n; ++i)
      zeros += mask[i] == 0.0f;
    char line[160];
    std::snprintf(line, sizeof line, "pruned: %s %.2f %% (%lld of %lld)\n",
                  weight.c_str(), 100.0 * double(zeros) / double(n),
                  static_cast<long long>(zeros), static_cast<long long>(n));
    os << line;
  }
}
