//===- SignatureTest.cpp - the runtime's reading of a signature -----------===//
//
// The signature documents here are written by hand in the version-1 format
// of docs/Architecture.md; lit tests check that the compiler writes that
// format, and the integration tests that the two meet.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Signature.h"
#include "lp/Runtime/HostSymbols.h"
#include "lp/Runtime/Json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

using namespace lp;
using namespace lp::rt;

namespace {

const char *kStep = R"({"lp_signature": 1, "function": "m_train_step",
  "entry": "lp_entry_m_train_step", "step_counter": 2,
  "args": [
    {"name": "w", "role": "param", "dtype": "float32", "shape": [3, 2],
     "init": {"kind": "glorot_uniform", "a": 0, "b": 0}},
    {"name": "y", "role": "label", "dtype": "int64", "shape": [4],
     "index_bound": 10},
    {"name": "step", "role": "state", "dtype": "int64", "shape": [],
     "init": {"kind": "constant", "a": 0, "b": 0}}],
  "results": [
    {"name": "w", "role": "state", "dtype": "float32", "shape": [3, 2],
     "inplace_arg": 0},
    {"name": "loss.total", "role": "loss_total", "dtype": "float32",
     "shape": []}]})";

TEST(Signature, ReadsEveryField) {
  Signature sig;
  ASSERT_EQ(parseSignature(kStep, sig), "");
  EXPECT_EQ(sig.function, "m_train_step");
  EXPECT_EQ(sig.entry, "lp_entry_m_train_step");
  ASSERT_EQ(sig.args.size(), 3u);
  EXPECT_EQ(sig.args[0].role, Role::Param);
  EXPECT_EQ(sig.args[0].shape, (std::vector<int64_t>{3, 2}));
  ASSERT_TRUE(sig.args[0].init.has_value());
  EXPECT_EQ(sig.args[0].init->kind, InitSpec::GlorotUniform);
  EXPECT_EQ(sig.args[1].dtype, npy::DType::I64);
  EXPECT_EQ(sig.args[1].indexBound, std::optional<int64_t>(10));
  EXPECT_TRUE(sig.args[1].isBatch());
  EXPECT_TRUE(sig.args[2].shape.empty());
  EXPECT_EQ(sig.stepCounter, std::optional<int64_t>(2));
  ASSERT_EQ(sig.results.size(), 2u);
  EXPECT_FALSE(sig.isOutParam(0));
  EXPECT_TRUE(sig.isOutParam(1));
  EXPECT_EQ(sig.resultIndex(Role::LossTotal), 1);
  EXPECT_EQ(sig.resultIndex("w"), 0);
  EXPECT_EQ(sig.resultIndex(Role::Logits), -1);
}

/// kStep with `from` replaced by `to`, parsed; returns the message.
std::string errorWith(const std::string &from, const std::string &to) {
  std::string text = kStep;
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  text.replace(at, from.size(), to);
  Signature sig;
  return parseSignature(text, sig);
}

TEST(Signature, RejectsWhatItCannotBind) {
  EXPECT_EQ(errorWith("\"lp_signature\": 1", "\"lp_signature\": 2"),
            "signature: version 2 (this runtime reads version 1)");
  // A version no integer can hold is printed, not converted (a fuzzing
  // reproducer: the conversion to int64 was undefined behaviour).
  EXPECT_EQ(errorWith("\"lp_signature\": 1", "\"lp_signature\": 1e99"),
            "signature: version 1e+99 (this runtime reads "
            "version 1)");
  EXPECT_NE(errorWith("\"role\": \"label\"", "\"role\": \"teacher\"")
                .find("argument 1 'y' has an unknown role 'teacher'"),
            std::string::npos);
  EXPECT_NE(errorWith("\"role\": \"label\"", "\"role\": \"loss\"")
                .find("unknown role 'loss'"),
            std::string::npos);
  EXPECT_NE(errorWith("\"dtype\": \"int64\", \"shape\": [4]",
                      "\"dtype\": \"complex64\", \"shape\": [4]")
                .find("has no supported dtype"),
            std::string::npos);
  EXPECT_NE(errorWith("[3, 2],\n     \"init\"", "[3, -2],\n     \"init\"")
                .find("a dimension is negative"),
            std::string::npos);
  EXPECT_NE(errorWith("\"inplace_arg\": 0", "\"inplace_arg\": 1")
                .find("result 'w' is updated in place in an argument of "
                      "another name or type"),
            std::string::npos);
  EXPECT_NE(errorWith("\"inplace_arg\": 0", "\"inplace_arg\": 7")
                .find("result 'w' is updated in place"),
            std::string::npos);
  EXPECT_NE(errorWith("\"step_counter\": 2", "\"step_counter\": 0")
                .find("step_counter is not a scalar argument"),
            std::string::npos);
  EXPECT_NE(errorWith("\"name\": \"y\"", "\"name\": \"w\"")
                .find("two arguments are named 'w'"),
            std::string::npos);
  EXPECT_NE(errorWith("\"index_bound\": 10", "\"index_bound\": 1.5")
                .find("index_bound must be an integer"),
            std::string::npos);
  EXPECT_NE(errorWith("\"entry\"", "\"entry_\"").find("no function or entry"),
            std::string::npos);
  EXPECT_NE(errorWith("\"step_counter\": 2",
                      "\"device\": \"tpu\", \"step_counter\": 2")
                .find("device must be \"cpu\" or \"cuda\""),
            std::string::npos);
}

TEST(Signature, ReadsWhereTheBuffersLive) {
  Signature sig;
  ASSERT_EQ(parseSignature(kStep, sig), "");
  EXPECT_FALSE(sig.onCuda);
  std::string text = kStep;
  text.replace(text.find("\"step_counter\""), 0, "\"device\": \"cuda\", ");
  ASSERT_EQ(parseSignature(text, sig), "");
  EXPECT_TRUE(sig.onCuda);
}

TEST(Json, ReportsWhereTheTextIsWrong) {
  JsonValue v;
  std::string error;
  EXPECT_FALSE(parseJson("{\"a\": [1, 2,]}", v, error));
  EXPECT_EQ(error, "JSON at byte 12: unexpected character ']'");
  EXPECT_FALSE(parseJson("{\"a\": 1} x", v, error));
  EXPECT_NE(error.find("unexpected text after the document"),
            std::string::npos);
  EXPECT_FALSE(parseJson("\"open", v, error));
  EXPECT_NE(error.find("unterminated string"), std::string::npos);
  // A hostile document cannot exhaust the stack.
  EXPECT_FALSE(parseJson(std::string(100000, '['), v, error));
  EXPECT_NE(error.find("nested too deeply"), std::string::npos);
  ASSERT_TRUE(
      parseJson(R"({"s": "a\"b\u0041", "n": -2.5e1, "t": true})", v, error))
      << error;
  EXPECT_EQ(v.get("s")->string, "a\"bA");
  EXPECT_EQ(v.get("n")->number, -25.0);
  EXPECT_TRUE(v.get("t")->boolean);
}

/// The runtime's memrefCopy, as lowered code calls it.
using MemrefCopyFn = void (*)(int64_t, void *, void *);

MemrefCopyFn memrefCopy() {
  for (const HostSymbol &s : hostSymbols())
    if (std::strcmp(s.name, "memrefCopy") == 0)
      return reinterpret_cast<MemrefCopyFn>(s.address);
  return nullptr;
}

template <int Rank> struct Descriptor {
  float *allocated, *aligned;
  int64_t offset, sizes[Rank], strides[Rank];
};
struct Unranked {
  int64_t rank;
  void *descriptor;
};

TEST(HostSymbols, MemrefCopyFollowsStrides) {
  MemrefCopyFn copy = memrefCopy();
  ASSERT_NE(copy, nullptr);
  // src: the transpose of a row-major 2x3 matrix (a 3x2 view, strides 1, 3),
  // offset by one element; dst: a dense 3x2 matrix.
  float data[7] = {-1, 0, 1, 2, 3, 4, 5};
  float out[6] = {};
  Descriptor<2> src{data, data, 1, {3, 2}, {1, 3}};
  Descriptor<2> dst{out, out, 0, {3, 2}, {2, 1}};
  Unranked s{2, &src}, d{2, &dst};
  copy(sizeof(float), &s, &d);
  float expected[6] = {0, 3, 1, 4, 2, 5};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(out[i], expected[i]) << i;
  // A contiguous copy and a rank-0 one.
  float dense[6] = {};
  Descriptor<2> contiguous{out, out, 0, {3, 2}, {2, 1}};
  Descriptor<2> denseDst{dense, dense, 0, {3, 2}, {2, 1}};
  Unranked c{2, &contiguous}, dd{2, &denseDst};
  copy(sizeof(float), &c, &dd);
  EXPECT_EQ(std::memcmp(dense, expected, sizeof dense), 0);
  float scalar = 7, target = 0;
  Descriptor<1> zeroS{&scalar, &scalar, 0, {1}, {1}};
  Descriptor<1> zeroD{&target, &target, 0, {1}, {1}};
  Unranked zs{0, &zeroS}, zd{0, &zeroD};
  copy(sizeof(float), &zs, &zd);
  EXPECT_EQ(target, 7);
}

TEST(HostSymbols, MemrefCopyIntoPaddedRows) {
  MemrefCopyFn copy = memrefCopy();
  ASSERT_NE(copy, nullptr);
  // A dense 2x2x3 source into the interior of a 2x4x5 buffer (a padding
  // copy: rows contiguous in both, copied whole), and into every other
  // column of a 2x2x6 buffer (a spread: element by element).
  float src[12], padded[40] = {}, spread[24] = {};
  for (int i = 0; i < 12; ++i)
    src[i] = float(i + 1);
  Descriptor<3> from{src, src, 0, {2, 2, 3}, {6, 3, 1}};
  Descriptor<3> interior{padded, padded, 6, {2, 2, 3}, {20, 5, 1}};
  Unranked s{3, &from}, d{3, &interior};
  copy(sizeof(float), &s, &d);
  for (int b = 0; b < 2; ++b)
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 5; ++c) {
        bool inside = r >= 1 && r <= 2 && c >= 1 && c <= 3;
        float want = inside ? src[b * 6 + (r - 1) * 3 + (c - 1)] : 0.0f;
        EXPECT_EQ(padded[b * 20 + r * 5 + c], want) << b << r << c;
      }
  Descriptor<3> everyOther{spread, spread, 0, {2, 2, 3}, {12, 6, 2}};
  Unranked e{3, &everyOther};
  copy(sizeof(float), &s, &e);
  for (int i = 0; i < 12; ++i) {
    EXPECT_EQ(spread[2 * i], src[i]) << i;
    EXPECT_EQ(spread[2 * i + 1], 0.0f) << i;
  }
}

} // namespace

namespace {
TEST(HostSymbols, TruncToBf16RoundsToNearestEven) {
  using TruncFn = float (*)(float);
  TruncFn trunc = nullptr;
  for (const HostSymbol &s : hostSymbols())
    if (std::strcmp(s.name, "__truncsfbf2") == 0)
      trunc = reinterpret_cast<TruncFn>(s.address);
  ASSERT_NE(trunc, nullptr);
  auto bits = [&](float f) {
    float r = trunc(f);
    uint32_t u;
    std::memcpy(&u, &r, 4);
    return uint16_t(u);
  };
  // 1 + 2^-8 is halfway between 1 (0x3f80) and 1 + 2^-7 (0x3f81): even.
  EXPECT_EQ(bits(1.00390625f), 0x3f80);
  // 1 + 3 * 2^-8 is halfway between 0x3f81 and 0x3f82: even is 0x3f82.
  EXPECT_EQ(bits(1.01171875f), 0x3f82);
  EXPECT_EQ(bits(-2.0f), 0xc000);
  // The largest float rounds to infinity; a NaN stays a NaN.
  EXPECT_EQ(bits(3.4028235e38f), 0x7f80);
  uint16_t nan = bits(std::nanf(""));
  EXPECT_EQ(nan & 0x7f80, 0x7f80);
  EXPECT_NE(nan & 0x007f, 0);
}
} // namespace
