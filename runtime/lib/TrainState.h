//===- TrainState.h - the trainer's parameters and state on disk -*- C++
//-*-===//
//
// What Trainer.cpp reads and writes besides the data: initial parameters
// (--params), checkpoints (--resume, --checkpoint) and the trained
// parameters (--output-dir).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_LIB_TRAINSTATE_H
#define LP_RUNTIME_LIB_TRAINSTATE_H

#include "lp/Runtime/Trainer.h"

#include <map>
#include <ostream>
#include <string>

namespace lp::rt::detail {

using ArrayMap = std::map<std::string, npy::Array>;

/// The checkpoint file of step `s`: `file` with `{step}` replaced by `s`
/// (a history of checkpoints), or `file`.
std::string checkpointName(const std::string &file, int64_t s);

/// The parameters and state of `sig` into `state`: from --resume (every
/// one, nothing else), from --params (others initialised; other
/// configurations' state allowed and unused) or initialised.
std::string loadState(const Signature &sig, const TrainOptions &opts,
                      ArrayMap &state);

/// Writes the parameters and state of `sig` to the checkpoint `file`.
std::string saveState(const Signature &sig, const ArrayMap &state,
                      const std::string &file);

/// Writes each parameter of `sig` as `<dir>/<name>.npy` (the directory is
/// created) and says so.
std::string writeParams(const Signature &sig, const ArrayMap &state,
                        const std::string &dir, std::ostream &os);

} // namespace lp::rt::detail

#endif // LP_RUNTIME_LIB_TRAINSTATE_H
