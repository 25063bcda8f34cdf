//===- Pruning.h - magnitude pruning's masks, set by the trainer -*- C++
//-*-===//
//
// The runtime side of lp-prune: between steps, on the schedule of
// TrainOptions::prune*, each mask state `<w>.prune.mask` is set so that
// the smallest-magnitude fraction of `<w> * mask` is zero.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_LIB_PRUNING_H
#define LP_RUNTIME_LIB_PRUNING_H

#include "TrainState.h"

#include <optional>
#include <ostream>

namespace lp::rt::detail {

/// The sparsity to prune to before step `s` (0-based), or none when `s`
/// is not a pruning step: Zhu & Gupta's cubic schedule from 0 at
/// `pruneBegin` to `pruneSparsity` at `pruneEnd`, every `pruneEvery`
/// steps (one-shot when begin == end).
std::optional<double> pruningTarget(const TrainOptions &opts, int64_t s);

/// Checks the options and that the step has masks to set (an error names
/// what is wrong); empty when pruning is off or fine.
std::string checkPruning(const Signature &sig, const TrainOptions &opts,
                         const ArrayMap &state);

/// Sets every mask so that the `sparsity` fraction (rounded down) of its
/// weight's elements with the smallest |w * mask| are masked; masked
/// elements stay masked (their magnitude is 0).
void applyPruning(const Signature &sig, ArrayMap &state, double sparsity);

/// One line per mask: the share of its weight that is masked.
void reportSparsity(const Signature &sig, const ArrayMap &state,
                    std::ostream &os);

} // namespace lp::rt::detail

#endif // LP_RUNTIME_LIB_PRUNING_H
