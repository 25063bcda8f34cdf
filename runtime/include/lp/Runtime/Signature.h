//===- Signature.h - a compiled step's calling convention -------*- C++ -*-===//
//
// What a compiled function takes and returns, read from the JSON document
// the compiler embeds next to it as `lp_signature_<fn>` (format: version 1,
// docs/Architecture.md "The calling convention"). The runtime binds data,
// state and results by these names and roles; it never reads MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_SIGNATURE_H
#define LP_RUNTIME_SIGNATURE_H

#include "lp/Runtime/Npy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace lp {
namespace rt {

/// The version of the signature document this runtime reads.
constexpr int kSignatureVersion = 1;

/// The symbol holding the signature document of `function`, and the one
/// listing the functions a module describes (JSON array of names).
inline std::string signatureSymbol(const std::string &function) {
  return "lp_signature_" + function;
}
constexpr const char *kEntryPointsSymbol = "lp_entry_points";

/// What an argument or result is for. Arguments: input/label (batch data),
/// param (trained weights), state (optimizer state and counters a step
/// threads through). Results: loss (one weighted term), loss_total (what
/// the trainer reports), logits (compared with the label for accuracy),
/// state (the next value of the argument of the same name), output,
/// step_skipped (a train step's `step.skipped`: true when it applied no
/// update), grad_norm (the global norm of the unscaled gradients before
/// clipping).
enum class Role {
  Input,
  Label,
  Param,
  State,
  Loss,
  LossTotal,
  Logits,
  Output,
  StepSkipped,
  GradNorm
};

const char *roleName(Role role);

/// A parameter initialiser (the model's `lp.init`).
struct InitSpec {
  enum Kind { Constant, Normal, Uniform, GlorotUniform, GlorotNormal };
  Kind kind = Constant;
  double a = 0.0; ///< constant value, normal mean, uniform low
  double b = 0.0; ///< normal std, uniform high
};

/// One argument or result.
struct TensorSlot {
  std::string name;
  Role role = Role::Input;
  npy::DType dtype = npy::DType::F32;
  std::vector<int64_t> shape;
  std::optional<InitSpec> init;
  /// Integer labels and indices: values must be in [0, indexBound).
  std::optional<int64_t> indexBound;
  /// A result the step writes in place into this argument (it is not
  /// passed as an out-parameter).
  std::optional<int64_t> inplaceArg;

  int64_t numElements() const;
  bool isBatch() const { return role == Role::Input || role == Role::Label; }
  bool isState() const { return role == Role::Param || role == Role::State; }
};

struct Signature {
  std::string function;
  /// The packed entry point: `void entry(void **args)`, one pointer per
  /// scalar of the expanded memref descriptors (allocated, aligned, offset,
  /// sizes, strides) of the arguments and then of the out-parameters.
  std::string entry;
  std::vector<TensorSlot> args;
  std::vector<TensorSlot> results;
  /// The argument that counts steps (a train step's `step`), if any.
  std::optional<int64_t> stepCounter;
  /// Where the function's buffers live: false, host memory; true, the
  /// GPU's ("device": "cuda", a step lowered by lp-lower-to-nvvm).
  bool onCuda = false;

  /// Index of the result named `name`, or -1.
  int64_t resultIndex(const std::string &name) const;
  /// Index of the first result of role `role`, or -1.
  int64_t resultIndex(Role role) const;
  /// Whether result `i` is returned through an out-parameter.
  bool isOutParam(size_t i) const { return !results[i].inplaceArg; }
  /// The results returned through out-parameters.
  size_t numOutParams() const {
    size_t n = 0;
    for (size_t i = 0; i < results.size(); ++i)
      n += isOutParam(i);
    return n;
  }
};

/// Reads a signature document; returns an empty string or a message.
std::string parseSignature(const std::string &json, Signature &out);

/// The fans of a parameter shape, as the Glorot initialisers use them:
/// [K, N] -> (K, N); [F, C, KH, KW] -> (C*KH*KW, F*KH*KW); rank 1 -> (n, n);
/// rank 0 -> (1, 1).
std::pair<int64_t, int64_t> computeFans(const std::vector<int64_t> &shape);

/// A shape as text: "[64, 10]", "[]".
std::string shapeText(const std::vector<int64_t> &shape);

/// Checks that `array` matches `slot` (dtype, shape, index bounds); returns
/// an empty string or a message naming the argument.
std::string checkArgument(const TensorSlot &slot, const npy::Array &array);
/// The same for elements at `data` of `dtype` and `shape` (a caller's own
/// memory), the message naming it `what` ("batch", "argument").
std::string checkArgument(const TensorSlot &slot, npy::DType dtype,
                          const std::vector<int64_t> &shape, const void *data,
                          const std::string &what);

/// Whether the arguments and results of `sig` (what a runner allocates,
/// once each) fit in this machine's physical memory: an empty string or a
/// message with both sizes. The step's intermediates come on top.
std::string checkFitsInMemory(const Signature &sig);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_SIGNATURE_H
