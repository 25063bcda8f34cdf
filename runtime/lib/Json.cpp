//===- Json.cpp - a small JSON reader for the step signature --------------===//

#include "lp/Runtime/Json.h"

#include <cstdlib>
#include <cstring>

using namespace lp::rt;

const JsonValue *JsonValue::get(const std::string &key) const {
  auto it = object.find(key);
  return kind == Object && it != object.end() ? &it->second : nullptr;
}

namespace {
/// Recursive descent over the text; depth-limited so that a hostile
/// document cannot exhaust the stack.
class Parser {
public:
  explicit Parser(const std::string &text) : text(text) {}

  bool parseDocument(JsonValue &out) {
    if (!parseValue(out, 0))
      return false;
    skipSpace();
    if (pos != text.size())
      return fail("unexpected text after the document");
    return true;
  }
  std::string error;

private:
  static constexpr int kMaxDepth = 64;
  const std::string &text;
  size_t pos = 0;

  bool fail(const std::string &message) {
    if (error.empty())
      error = "JSON at byte " + std::to_string(pos) + ": " + message;
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]) &&
           text[pos] != '\0')
      ++pos;
  }
  bool consume(const char *word) {
    size_t n = std::strlen(word);
    if (text.compare(pos, n, word) != 0)
      return false;
    pos += n;
    return true;
  }

  bool parseValue(JsonValue &out, int depth) {
    if (depth > kMaxDepth)
      return fail("nested too deeply");
    skipSpace();
    if (pos >= text.size())
      return fail("unexpected end of text");
    char c = text[pos];
    if (c == '{')
      return parseObject(out, depth);
    if (c == '[')
      return parseArray(out, depth);
    if (c == '"') {
      out.kind = JsonValue::String;
      return parseString(out.string);
    }
    if (consume("true") || consume("false")) {
      out.kind = JsonValue::Bool;
      out.boolean = c == 't';
      return true;
    }
    if (consume("null")) {
      out.kind = JsonValue::Null;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9'))
      return parseNumber(out);
    return fail(std::string("unexpected character '") + c + "'");
  }

  bool parseNumber(JsonValue &out) {
    size_t start = pos;
    while (pos < text.size() && std::strchr("+-0123456789.eE", text[pos]) &&
           text[pos] != '\0')
      ++pos;
    std::string number = text.substr(start, pos - start);
    char *end = nullptr;
    out.kind = JsonValue::Number;
    out.number = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size())
      return fail("bad number '" + number + "'");
    return true;
  }

  bool parseString(std::string &out) {
    ++pos; // "
    while (pos < text.size() && text[pos] != '"') {
      char c = text[pos++];
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= text.size())
        break;
      char e = text[pos++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'n':
        out += '\n';
        break;
      case 't':
        out += '\t';
        break;
      case 'r':
        out += '\r';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'u': {
        if (pos + 4 > text.size())
          return fail("truncated \\u escape");
        unsigned code = std::strtoul(text.substr(pos, 4).c_str(), nullptr, 16);
        pos += 4;
        // Names are ASCII; other code points are kept as UTF-8.
        if (code < 0x80) {
          out += char(code);
        } else if (code < 0x800) {
          out += char(0xC0 | (code >> 6));
          out += char(0x80 | (code & 0x3F));
        } else {
          out += char(0xE0 | (code >> 12));
          out += char(0x80 | ((code >> 6) & 0x3F));
          out += char(0x80 | (code & 0x3F));
        }
        break;
      }
      default:
        return fail(std::string("bad escape '\\") + e + "'");
      }
    }
    if (pos >= text.size())
      return fail("unterminated string");
    ++pos; // "
    return true;
  }

  bool parseArray(JsonValue &out, int depth) {
    ++pos; // [
    out.kind = JsonValue::Array;
    skipSpace();
    if (pos < text.size() && text[pos] == ']') {
      ++pos;
      return true;
    }
    while (true) {
      out.array.emplace_back();
      if (!parseValue(out.array.back(), depth + 1))
        return false;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == ']') {
        ++pos;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool parseObject(JsonValue &out, int depth) {
    ++pos; // {
    out.kind = JsonValue::Object;
    skipSpace();
    if (pos < text.size() && text[pos] == '}') {
      ++pos;
      return true;
    }
    while (true) {
      skipSpace();
      if (pos >= text.size() || text[pos] != '"')
        return fail("expected a member name");
      std::string key;
      if (!parseString(key))
        return false;
      skipSpace();
      if (pos >= text.size() || text[pos] != ':')
        return fail("expected ':'");
      ++pos;
      if (!parseValue(out.object[key], depth + 1))
        return false;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == '}') {
        ++pos;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }
};
} // namespace

bool lp::rt::parseJson(const std::string &text, JsonValue &out,
                       std::string &error) {
  Parser parser(text);
  JsonValue value;
  if (!parser.parseDocument(value)) {
    error = parser.error;
    return false;
  }
  out = std::move(value);
  return true;
}
