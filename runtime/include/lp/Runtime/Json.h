//===- Json.h - a small JSON reader for the step signature ------*- C++ -*-===//
//
// The runtime reads the calling convention that the compiler embeds in a
// lowered step (docs/Architecture.md, "The calling convention") without
// LLVM: this is the reader, just enough JSON for that document (objects,
// arrays, strings with the usual escapes, numbers, true/false/null).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_JSON_H
#define LP_RUNTIME_JSON_H

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace lp {
namespace rt {

/// One JSON value. Numbers keep their text's double value; integers up to
/// 2^53 are exact.
struct JsonValue {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;

  /// The member `key` of an object, or nullptr.
  const JsonValue *get(const std::string &key) const;
};

/// Parses `text`; on failure returns false and sets `error` to a message
/// with the byte offset of the problem.
bool parseJson(const std::string &text, JsonValue &out, std::string &error);

} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_JSON_H
