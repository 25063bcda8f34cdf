//===- NpyHeader.cpp - Parse and format .npy header dictionaries ----------===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// The header of a .npy file is a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`. This file
/// parses the small subset of Python literal syntax that can appear there and
/// maps the result onto lp::npy types, and formats headers for writing.
///
//===----------------------------------------------------------------------===//

#include "NpyInternal.h"

#include <limits>
#include <utility>

using namespace lp::npy;

namespace {

/// Maximum nesting of tuples/lists in a header value.
constexpr int kMaxNesting = 16;

struct DescrEntry {
  const char *descr;
  DType dtype;
};

/// Descr strings accepted when reading. '<V2' is what ml_dtypes writes for
/// bfloat16; NumPy normalizes it to '|V2' when such an array is re-saved.
const DescrEntry kReadDescrs[] = {
    {"<f4", DType::F32},  {"<f8", DType::F64},  {"<f2", DType::F16},
    {"<V2", DType::BF16}, {"|V2", DType::BF16}, {"|i1", DType::I8},
    {"<i1", DType::I8},   {"<i4", DType::I32},  {"<i8", DType::I64},
    {"|u1", DType::U8},   {"<u1", DType::U8},   {"|b1", DType::Bool},
};

/// Returns the descr written for \p dtype.
const char *writeDescr(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::BF16:
    return "<V2";
  case DType::I8:
    return "|i1";
  case DType::I32:
    return "<i4";
  case DType::I64:
    return "<i8";
  case DType::U8:
    return "|u1";
  case DType::Bool:
    return "|b1";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Header dictionary parser
//===----------------------------------------------------------------------===//

/// A value of the Python literal subset that appears in .npy headers.
struct PyValue {
  enum class Kind { Str, Bool, None, Int, Tuple, List };
  Kind kind = Kind::None;
  std::string str;
  bool boolean = false;
  int64_t integer = 0;
  std::vector<PyValue> items;
};

using PyDict = std::vector<std::pair<std::string, PyValue>>;

/// Recursive-descent parser for the header's dict literal. All methods return
/// an error message (empty on success).
class HeaderParser {
public:
  HeaderParser(const char *text, size_t size) : text(text), size(size) {}

  /// Parses `{key: value, ...}` followed only by whitespace.
  std::string parseDict(PyDict &dict);

private:
  std::string parseValue(PyValue &value, int depth);
  std::string parseString(std::string &str);
  std::string parseInt(PyValue &value);
  std::string parseWord(PyValue &value);
  std::string parseSequence(char close, PyValue &value, int depth);

  void skipSpace();
  bool atEnd() const { return pos >= size; }
  char peek() const { return atEnd() ? '\0' : text[pos]; }
  bool consume(char c);
  std::string error(const std::string &what) const {
    return "malformed header: " + what + " at offset " + std::to_string(pos);
  }

  const char *text;
  size_t size;
  size_t pos = 0;
};

void HeaderParser::skipSpace() {
  while (!atEnd() && (text[pos] == ' ' || text[pos] == '\t' ||
                      text[pos] == '\n' || text[pos] == '\r'))
    ++pos;
}

bool HeaderParser::consume(char c) {
  skipSpace();
  if (peek() != c)
    return false;
  ++pos;
  return true;
}

std::string HeaderParser::parseDict(PyDict &dict) {
  if (!consume('{'))
    return error("expected '{'");
  while (!consume('}')) {
    std::pair<std::string, PyValue> entry;
    skipSpace();
    if (std::string err = parseString(entry.first); !err.empty())
      return err;
    if (!consume(':'))
      return error("expected ':'");
    if (std::string err = parseValue(entry.second, 0); !err.empty())
      return err;
    dict.push_back(std::move(entry));
    if (!consume(',') && peek() != '}')
      return error("expected ',' or '}'");
  }
  skipSpace();
  if (!atEnd())
    return error("unexpected characters after the dict");
  return "";
}

std::string HeaderParser::parseValue(PyValue &value, int depth) {
  if (depth > kMaxNesting)
    return error("values nested too deeply");
  skipSpace();
  char c = peek();
  if (c == '\'' || c == '"') {
    value.kind = PyValue::Kind::Str;
    return parseString(value.str);
  }
  if (c == '(' || c == '[') {
    ++pos;
    return parseSequence(c == '(' ? ')' : ']', value, depth);
  }
  if (c == '-' || (c >= '0' && c <= '9'))
    return parseInt(value);
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
    return parseWord(value);
  return error("unexpected character");
}

std::string HeaderParser::parseString(std::string &str) {
  char quote = peek();
  if (quote != '\'' && quote != '"')
    return error("expected a string");
  ++pos;
  while (!atEnd() && text[pos] != quote) {
    if (text[pos] == '\\' && pos + 1 < size)
      ++pos;
    str += text[pos++];
  }
  if (atEnd())
    return error("unterminated string");
  ++pos;
  return "";
}

std::string HeaderParser::parseInt(PyValue &value) {
  bool negative = peek() == '-';
  if (negative)
    ++pos;
  if (!(peek() >= '0' && peek() <= '9'))
    return error("expected a digit");
  uint64_t magnitude = 0;
  const uint64_t limit = uint64_t(std::numeric_limits<int64_t>::max());
  while (peek() >= '0' && peek() <= '9') {
    uint64_t digit = uint64_t(text[pos] - '0');
    // Checked before the multiply: 2^64 + 1 must not wrap to 1.
    if (magnitude > (limit - digit) / 10)
      return error("integer out of range");
    magnitude = magnitude * 10 + digit;
    ++pos;
  }
  if (peek() == 'L' || peek() == 'l') // Python 2 long suffix.
    ++pos;
  value.kind = PyValue::Kind::Int;
  value.integer = negative ? -int64_t(magnitude) : int64_t(magnitude);
  return "";
}

std::string HeaderParser::parseWord(PyValue &value) {
  size_t start = pos;
  while ((peek() >= 'A' && peek() <= 'Z') || (peek() >= 'a' && peek() <= 'z'))
    ++pos;
  std::string word(text + start, pos - start);
  if (word == "True" || word == "False") {
    value.kind = PyValue::Kind::Bool;
    value.boolean = word == "True";
  } else if (word == "None") {
    value.kind = PyValue::Kind::None;
  } else {
    pos = start;
    return error("unknown name '" + word + "'");
  }
  return "";
}

/// Parses the rest of a tuple or list after its opening bracket. Like Python,
/// a parenthesized single value without a trailing comma is not a tuple.
std::string HeaderParser::parseSequence(char close, PyValue &value, int depth) {
  value.kind = close == ')' ? PyValue::Kind::Tuple : PyValue::Kind::List;
  bool trailingComma = false;
  while (!consume(close)) {
    PyValue item;
    if (std::string err = parseValue(item, depth + 1); !err.empty())
      return err;
    value.items.push_back(std::move(item));
    trailingComma = consume(',');
    skipSpace();
    if (!trailingComma && peek() != close)
      return error(std::string("expected ',' or '") + close + "'");
  }
  if (close == ')' && value.items.size() == 1 && !trailingComma) {
    PyValue inner = std::move(value.items.front());
    value = std::move(inner);
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Header interpretation
//===----------------------------------------------------------------------===//

std::string interpretDescr(const PyValue &value, DType &dtype) {
  if (value.kind == PyValue::Kind::List)
    return "structured dtypes are not supported";
  if (value.kind != PyValue::Kind::Str)
    return "'descr' must be a string";
  for (const DescrEntry &entry : kReadDescrs) {
    if (value.str == entry.descr) {
      dtype = entry.dtype;
      return "";
    }
  }
  const std::string &d = value.str;
  if (!d.empty() && d[0] == '>')
    return "big-endian arrays are not supported (descr '" + d + "')";
  if (d.find('O') != std::string::npos)
    return "object arrays are not supported (descr '" + d + "')";
  return "unsupported dtype descr '" + d + "'";
}

std::string interpretShape(const PyValue &value, std::vector<int64_t> &shape) {
  const char *msg = "'shape' must be a tuple of non-negative integers";
  if (value.kind != PyValue::Kind::Tuple)
    return msg;
  for (const PyValue &item : value.items) {
    if (item.kind != PyValue::Kind::Int || item.integer < 0)
      return msg;
    shape.push_back(item.integer);
  }
  return "";
}

/// Validates the parsed dict: exactly the keys 'descr', 'fortran_order' and
/// 'shape', each with a supported value.
std::string interpretHeader(const PyDict &dict, detail::NpyHeader &header) {
  bool haveDescr = false, haveOrder = false, haveShape = false;
  for (const auto &[key, value] : dict) {
    bool *seen = key == "descr"           ? &haveDescr
                 : key == "fortran_order" ? &haveOrder
                 : key == "shape"         ? &haveShape
                                          : nullptr;
    if (!seen)
      return "unexpected header key '" + key + "'";
    if (*seen)
      return "duplicate header key '" + key + "'";
    *seen = true;
    std::string err;
    if (key == "descr")
      err = interpretDescr(value, header.dtype);
    else if (key == "shape")
      err = interpretShape(value, header.shape);
    else if (value.kind != PyValue::Kind::Bool)
      err = "'fortran_order' must be True or False";
    else if (value.boolean)
      err = "fortran-order arrays are not supported";
    if (!err.empty())
      return err;
  }
  if (!haveDescr)
    return "header is missing key 'descr'";
  if (!haveOrder)
    return "header is missing key 'fortran_order'";
  if (!haveShape)
    return "header is missing key 'shape'";
  return "";
}

std::string shapeRepr(const std::vector<int64_t> &shape) {
  std::string repr = "(";
  for (size_t i = 0; i < shape.size(); ++i)
    repr += (i ? ", " : "") + std::to_string(shape[i]);
  return repr + (shape.size() == 1 ? ",)" : ")");
}

} // namespace

std::string lp::npy::detail::parseHeaderDict(const char *text, size_t size,
                                             NpyHeader &header) {
  PyDict dict;
  HeaderParser parser(text, size);
  if (std::string err = parser.parseDict(dict); !err.empty())
    return err;
  return interpretHeader(dict, header);
}

std::string lp::npy::detail::formatHeaderDict(const Array &a) {
  return std::string("{'descr': '") + writeDescr(a.dtype) +
         "', 'fortran_order': False, 'shape': " + shapeRepr(a.shape) + ", }";
}

std::string lp::npy::detail::formatShape(const std::vector<int64_t> &shape) {
  return shapeRepr(shape);
}
