//===- Session.h - a train step and its state, batch by batch -*- C++ -*-===//
//
// What a host program that drives the loop itself (the Python package)
// needs from the runtime: the parameters and optimizer state of a compiled
// train step held in arrays that never move, initialised as lp-run does
// (from a parameters file, or the model's initialisers and a seed), and
// one call of the step or of its eval function on batch arrays given by
// the caller, bound without copies. State results are written back into
// the state arrays, so a view of a parameter sees every update.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_SESSION_H
#define LP_RUNTIME_SESSION_H

#include "lp/Runtime/Step.h"

#include <map>
#include <string>
#include <vector>

namespace lp {
namespace rt {

/// One batch argument given by the caller: its elements (C order) with
/// the dtype and shape they have there.
struct BatchArray {
  const void *data = nullptr;
  npy::DType dtype = npy::DType::F32;
  std::vector<int64_t> shape;
};

class Session {
public:
  /// Holds `step` (and `eval`, which may be null; both outlive the
  /// session): state from `paramsFile` (lp-run --params: parameters,
  /// other state initialised) or, when empty, the initialisers with
  /// `seed`. An empty string or a message.
  std::string init(const Step &step, const Step *eval, uint64_t seed,
                   const std::string &paramsFile);

  /// Parameters and state by name; their storage never moves.
  std::map<std::string, npy::Array> &state() { return arrays; }

  /// Calls the step (`evalFn` false) or the eval function on `batch` (every
  /// input and label of its signature, by name; checked: missing and
  /// unknown names, dtypes, shapes, label bounds) and the state. A step's
  /// results named like a state argument are written back into it (eval's
  /// are returned, not kept, as lp-run's evaluation does); `results` gets
  /// the results in the signature's order (those updated in place left
  /// empty). An empty string or a message.
  std::string call(bool evalFn, const std::map<std::string, BatchArray> &batch,
                   std::vector<npy::Array> &results);

  /// Writes the state to a `.npz` (lp-run's checkpoint format), or reads
  /// one written so (every array of the step's state, nothing else).
  std::string save(const std::string &file) const;
  std::string load(const std::string &file);

  const Step &trainStep() const { return *step; }
  const Step *evalStep() const { return eval; }

  /// The wall time of the last `call`, in seconds: what lp-run's trainer
  /// times as a step (binding, the call, copying state back). A host's
  /// own cost per step is its time around `call` minus this.
  double lastCallSeconds() const { return lastSeconds; }

private:
  const Step *step = nullptr, *eval = nullptr;
  std::map<std::string, npy::Array> arrays;
  double lastSeconds = 0;
};

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_SESSION_H
