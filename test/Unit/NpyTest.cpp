//===- NpyTest.cpp - Tests for the .npy / .npz reader and writer ----------===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Npy.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <unistd.h>

using namespace lp::npy;
namespace fs = std::filesystem;

namespace {

/// The array a fixture must decode to.
struct ExpectedArray {
  DType dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
};

/// A file image written by NumPy together with its expected contents.
struct NpyFixture {
  const char *name;
  std::vector<uint8_t> file;
  ExpectedArray expected;
};

#include "data/NumpyFixtures.inc"

const DType kAllDTypes[] = {DType::F32,  DType::F64, DType::F16,
                            DType::BF16, DType::I8,  DType::I32,
                            DType::I64,  DType::U8,  DType::Bool};

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Builds an array with a deterministic, dtype-appropriate byte pattern.
Array makeArray(DType dtype, std::vector<int64_t> shape, unsigned seed = 0) {
  Array a;
  a.dtype = dtype;
  a.shape = std::move(shape);
  a.data.resize(size_t(a.numElements()) * a.elementSize());
  for (size_t i = 0; i < a.data.size(); ++i)
    a.data[i] = dtype == DType::Bool ? uint8_t((i + seed) % 2)
                                     : uint8_t(i * 37 + 11 + seed);
  return a;
}

void expectArrayEq(const Array &actual, const ExpectedArray &expected,
                   const std::string &what) {
  EXPECT_EQ(actual.dtype, expected.dtype) << what;
  EXPECT_EQ(actual.shape, expected.shape) << what;
  EXPECT_EQ(actual.data, expected.data) << what;
}

void expectArrayEq(const Array &actual, const Array &expected,
                   const std::string &what) {
  expectArrayEq(actual,
                ExpectedArray{expected.dtype, expected.shape, expected.data},
                what);
}

/// Builds a .npy image with header dict \p dict (padded and terminated like
/// NumPy does) followed by \p payload.
std::vector<uint8_t> npyImage(const std::string &dict,
                              const std::vector<uint8_t> &payload = {},
                              uint8_t major = 1, uint8_t minor = 0) {
  size_t preamble = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((preamble + header.size() + 1) % 64 != 0)
    header += ' ';
  header += '\n';
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', major, minor};
  for (size_t i = 0; i < preamble - 8; ++i)
    out.push_back(uint8_t(header.size() >> (8 * i)));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::string dictFor(const std::string &descr, const std::string &shape,
                    const std::string &order = "False") {
  return "{'descr': '" + descr + "', 'fortran_order': " + order +
         ", 'shape': " + shape + ", }";
}

/// Bitwise CRC-32 (IEEE), independent of zlib.
uint32_t referenceCrc32(const std::vector<uint8_t> &data) {
  uint32_t crc = 0xFFFFFFFF;
  for (uint8_t byte : data) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit)
      crc = (crc >> 1) ^ (0xEDB88320 & (0u - (crc & 1)));
  }
  return ~crc;
}

void put16(std::vector<uint8_t> &out, uint32_t v) {
  out.push_back(uint8_t(v));
  out.push_back(uint8_t(v >> 8));
}

void put32(std::vector<uint8_t> &out, uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

uint32_t get32(const std::vector<uint8_t> &in, size_t pos) {
  return uint32_t(in[pos]) | uint32_t(in[pos + 1]) << 8 |
         uint32_t(in[pos + 2]) << 16 | uint32_t(in[pos + 3]) << 24;
}

/// A minimal, independent writer of stored zip archives.
std::vector<uint8_t> zipImage(
    const std::vector<std::pair<std::string, std::vector<uint8_t>>> &members) {
  std::vector<uint8_t> out, central;
  for (const auto &[name, data] : members) {
    uint32_t offset = uint32_t(out.size()), crc = referenceCrc32(data);
    for (auto *buf : {&out, &central}) {
      put32(*buf, buf == &out ? 0x04034b50 : 0x02014b50);
      if (buf == &central)
        put16(*buf, 20);
      for (uint32_t v : {20u, 0u, 0u, 0u, 0x21u})
        put16(*buf, v);
      for (uint32_t v : {crc, uint32_t(data.size()), uint32_t(data.size())})
        put32(*buf, v);
      put16(*buf, uint32_t(name.size()));
      put16(*buf, 0);
      if (buf == &central) {
        for (int i = 0; i < 3; ++i)
          put16(*buf, 0);
        put32(*buf, 0);
        put32(*buf, offset);
      }
      buf->insert(buf->end(), name.begin(), name.end());
    }
    out.insert(out.end(), data.begin(), data.end());
  }
  uint32_t cdOffset = uint32_t(out.size());
  out.insert(out.end(), central.begin(), central.end());
  put32(out, 0x06054b50);
  put32(out, 0);
  put16(out, uint32_t(members.size()));
  put16(out, uint32_t(members.size()));
  put32(out, uint32_t(central.size()));
  put32(out, cdOffset);
  put16(out, 0);
  return out;
}

/// Offsets of every occurrence of the 4-byte little-endian \p signature.
std::vector<size_t> findSignature(const std::vector<uint8_t> &image,
                                  uint32_t signature) {
  std::vector<size_t> hits;
  for (size_t i = 0; i + 4 <= image.size(); ++i)
    if (get32(image, i) == signature)
      hits.push_back(i);
  return hits;
}

std::string readNpyImage(const std::vector<uint8_t> &image, Array &out) {
  return readNpyFromBuffer("mem.npy", image.data(), image.size(), out);
}

std::string readNpzImage(const std::vector<uint8_t> &image,
                         std::map<std::string, Array> &out) {
  return readNpzFromBuffer("mem.npz", image.data(), image.size(), out);
}

/// Gives each test a fresh scratch directory.
class NpyFileTest : public ::testing::Test {
protected:
  void SetUp() override {
    const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir = fs::path(::testing::TempDir()) /
          ("lp_npy_" + std::to_string(getpid()) + "_" + info->name());
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }

  std::string path(const std::string &name) const {
    return (dir / name).string();
  }

  void writeFile(const std::string &file, const std::vector<uint8_t> &bytes) {
    std::ofstream os(file, std::ios::binary);
    os.write(reinterpret_cast<const char *>(bytes.data()),
             std::streamsize(bytes.size()));
  }

  std::vector<uint8_t> readFile(const std::string &file) {
    std::ifstream is(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(is),
            std::istreambuf_iterator<char>()};
  }

  /// Names of all files in the scratch directory.
  std::vector<std::string> listDir() const {
    std::vector<std::string> names;
    for (const auto &entry : fs::directory_iterator(dir))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// Checks that \p image fails to parse with an error containing \p needle,
  /// both from memory and from disk, and that the output is left untouched.
  void expectNpyError(const std::vector<uint8_t> &image,
                      const std::string &needle) {
    Array out = makeArray(DType::I32, {2});
    std::string err = readNpyImage(image, out);
    EXPECT_NE(err.find("mem.npy: "), std::string::npos) << err;
    EXPECT_NE(err.find(needle), std::string::npos) << err;
    expectArrayEq(out, makeArray(DType::I32, {2}), "output must be unchanged");
    std::string file = path("bad.npy");
    writeFile(file, image);
    std::string fileErr = readNpy(file, out);
    EXPECT_EQ(fileErr, file + err.substr(std::strlen("mem.npy")));
  }

  fs::path dir;
};

//===----------------------------------------------------------------------===//
// DType and Array basics
//===----------------------------------------------------------------------===//

TEST(NpyDTypeTest, NamesAndSizes) {
  const std::pair<const char *, size_t> expected[] = {
      {"float32", 4},  {"float64", 8}, {"float16", 2},
      {"bfloat16", 2}, {"int8", 1},    {"int32", 4},
      {"int64", 8},    {"uint8", 1},   {"bool", 1}};
  for (size_t i = 0; i < std::size(kAllDTypes); ++i) {
    EXPECT_STREQ(dtypeName(kAllDTypes[i]), expected[i].first);
    EXPECT_EQ(dtypeSize(kAllDTypes[i]), expected[i].second);
  }
}

TEST(NpyArrayTest, NumElements) {
  EXPECT_EQ(makeArray(DType::F32, {}).numElements(), 1);
  EXPECT_EQ(makeArray(DType::F32, {0}).numElements(), 0);
  EXPECT_EQ(makeArray(DType::F32, {3, 0, 2}).numElements(), 0);
  EXPECT_EQ(makeArray(DType::F64, {2, 3, 4}).numElements(), 24);
  EXPECT_EQ(makeArray(DType::F64, {2, 3, 4}).elementSize(), 8u);
}

//===----------------------------------------------------------------------===//
// Round trips
//===----------------------------------------------------------------------===//

const std::vector<std::vector<int64_t>> kShapes = {
    {}, {0}, {1}, {5}, {2, 3}, {0, 3}, {3, 0}, {2, 1, 3}, {1, 1, 1, 2}};

TEST_F(NpyFileTest, NpyRoundTripEveryDTypeAndShape) {
  for (DType dtype : kAllDTypes) {
    for (const auto &shape : kShapes) {
      Array in = makeArray(dtype, shape);
      std::string file = path("a.npy");
      ASSERT_EQ(writeNpy(file, in), "");
      std::vector<uint8_t> bytes = readFile(file);
      ASSERT_GE(bytes.size(), in.data.size());
      EXPECT_EQ((bytes.size() - in.data.size()) % 64, 0u)
          << "header must be 64-byte aligned";
      Array out;
      ASSERT_EQ(readNpy(file, out), "");
      expectArrayEq(out, in, dtypeName(dtype));
      Array fromBuffer;
      ASSERT_EQ(readNpyImage(bytes, fromBuffer), "");
      expectArrayEq(fromBuffer, in, dtypeName(dtype));
    }
  }
  EXPECT_EQ(listDir(), std::vector<std::string>{"a.npy"});
}

TEST_F(NpyFileTest, NpyWriterMatchesNumpyBytes) {
  for (const NpyFixture &fixture : npyFixtures()) {
    // NumPy writes version 1.0 unless asked otherwise.
    if (std::string(fixture.name).rfind("v", 0) == 0)
      continue;
    const ExpectedArray &e = fixture.expected;
    Array in{e.dtype, e.shape, e.data};
    std::string file = path("a.npy");
    ASSERT_EQ(writeNpy(file, in), "");
    EXPECT_EQ(readFile(file), fixture.file) << fixture.name;
  }
}

TEST_F(NpyFileTest, NpyHugeRankUsesVersion2Header) {
  Array in = makeArray(DType::I8, std::vector<int64_t>(30000, 1));
  std::string file = path("rank.npy");
  ASSERT_EQ(writeNpy(file, in), "");
  std::vector<uint8_t> bytes = readFile(file);
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes[6], 2) << "major version";
  Array out;
  ASSERT_EQ(readNpy(file, out), "");
  expectArrayEq(out, in, "rank 30000");
}

TEST_F(NpyFileTest, NpyOverwritesExistingFile) {
  std::string file = path("a.npy");
  ASSERT_EQ(writeNpy(file, makeArray(DType::F64, {100})), "");
  Array small = makeArray(DType::U8, {3});
  ASSERT_EQ(writeNpy(file, small), "");
  Array out;
  ASSERT_EQ(readNpy(file, out), "");
  expectArrayEq(out, small, "overwritten");
  EXPECT_EQ(listDir(), std::vector<std::string>{"a.npy"});
}

std::map<std::string, Array> allDTypeArrays() {
  std::map<std::string, Array> arrays;
  unsigned seed = 0;
  for (DType dtype : kAllDTypes) {
    for (const auto &shape : kShapes) {
      std::string key =
          std::string(dtypeName(dtype)) + "/" + std::to_string(seed);
      arrays[key] = makeArray(dtype, shape, seed++);
    }
  }
  arrays["w\xc3\xa9ight"] = makeArray(DType::F32, {2, 2}); // UTF-8 key.
  return arrays;
}

TEST_F(NpyFileTest, NpzRoundTripEveryDTypeAndShape) {
  std::map<std::string, Array> in = allDTypeArrays();
  std::string file = path("a.npz");
  ASSERT_EQ(writeNpz(file, in), "");
  std::map<std::string, Array> out;
  ASSERT_EQ(readNpz(file, out), "");
  ASSERT_EQ(out.size(), in.size());
  for (const auto &[key, array] : in) {
    ASSERT_EQ(out.count(key), 1u) << key;
    expectArrayEq(out[key], array, key);
  }
  EXPECT_EQ(listDir(), std::vector<std::string>{"a.npz"});
}

TEST_F(NpyFileTest, NpzRoundTripEmptyArchive) {
  std::string file = path("empty.npz");
  ASSERT_EQ(writeNpz(file, {}), "");
  EXPECT_EQ(readFile(file).size(), 22u) << "just an end of central directory";
  std::map<std::string, Array> out = {{"stale", makeArray(DType::U8, {1})}};
  ASSERT_EQ(readNpz(file, out), "");
  EXPECT_TRUE(out.empty());
}

TEST_F(NpyFileTest, NpzWriterIsDeterministicWithIndependentCrc) {
  std::map<std::string, Array> in = {{"x", makeArray(DType::F32, {4, 4})}};
  std::string a = path("a.npz"), b = path("b.npz");
  ASSERT_EQ(writeNpz(a, in), "");
  ASSERT_EQ(writeNpz(b, in), "");
  std::vector<uint8_t> bytes = readFile(a);
  EXPECT_EQ(bytes, readFile(b));
  // Single stored member: local header, "x.npy", then the .npy image.
  ASSERT_GT(bytes.size(), 35u);
  uint32_t size = get32(bytes, 18);
  ASSERT_LE(35u + size, bytes.size());
  std::vector<uint8_t> member(bytes.begin() + 35, bytes.begin() + 35 + size);
  EXPECT_EQ(get32(bytes, 14), referenceCrc32(member));
  Array out;
  ASSERT_EQ(readNpyImage(member, out), "");
  expectArrayEq(out, in["x"], "member");
}

//===----------------------------------------------------------------------===//
// Files written by NumPy
//===----------------------------------------------------------------------===//

TEST_F(NpyFileTest, ReadsNumpyNpyFiles) {
  ASSERT_FALSE(npyFixtures().empty());
  for (const NpyFixture &fixture : npyFixtures()) {
    Array out;
    ASSERT_EQ(readNpyImage(fixture.file, out), "") << fixture.name;
    expectArrayEq(out, fixture.expected, fixture.name);
    std::string file = path(std::string(fixture.name) + ".npy");
    writeFile(file, fixture.file);
    Array fromFile;
    ASSERT_EQ(readNpy(file, fromFile), "") << fixture.name;
    expectArrayEq(fromFile, fixture.expected, fixture.name);
  }
}

const NpyFixture &fixtureNamed(const std::string &name) {
  for (const NpyFixture &fixture : npyFixtures())
    if (fixture.name == name)
      return fixture;
  ADD_FAILURE() << "no fixture " << name;
  return npyFixtures().front();
}

TEST(NpyNumpyTest, DecodedValues) {
  Array f32, bf16, i64, v3;
  ASSERT_EQ(readNpyImage(fixtureNamed("float32_2x3").file, f32), "");
  ASSERT_EQ(f32.data.size(), 24u);
  float floats[6];
  std::memcpy(floats, f32.data.data(), sizeof(floats));
  EXPECT_EQ(floats[0], -2.5f);
  EXPECT_EQ(floats[5], 2.5f);

  ASSERT_EQ(readNpyImage(fixtureNamed("bfloat16_4").file, bf16), "");
  EXPECT_EQ(bf16.dtype, DType::BF16);
  EXPECT_EQ(bf16.data, (std::vector<uint8_t>{0x80, 0x3f, 0x00, 0xc0, 0x00, 0x3f,
                                             0x40, 0x40}));

  ASSERT_EQ(readNpyImage(fixtureNamed("int64_scalar").file, i64), "");
  EXPECT_TRUE(i64.shape.empty());
  int64_t scalar = 0;
  ASSERT_EQ(i64.data.size(), sizeof(scalar));
  std::memcpy(&scalar, i64.data.data(), sizeof(scalar));
  EXPECT_EQ(scalar, -1234567890123);

  ASSERT_EQ(readNpyImage(fixtureNamed("v3_int64_2").file, v3), "");
  EXPECT_EQ(fixtureNamed("v3_int64_2").file[6], 3);
  EXPECT_EQ(v3.shape, std::vector<int64_t>{2});
}

void expectNumpyNpz(const std::map<std::string, Array> &out,
                    const std::string &what) {
  ASSERT_EQ(out.size(), npzExpected().size()) << what;
  for (const auto &[key, expected] : npzExpected()) {
    auto it = out.find(key);
    ASSERT_NE(it, out.end()) << what << ": " << key;
    expectArrayEq(it->second, expected, what + ": " + key);
  }
}

TEST_F(NpyFileTest, ReadsNumpyNpzArchives) {
  const std::pair<const char *, const std::vector<uint8_t> *> images[] = {
      {"savez", &kSavezNpz},
      {"savez_compressed", &kSavezCompressedNpz},
      {"zip64", &kZip64Npz}};
  for (const auto &[what, image] : images) {
    std::map<std::string, Array> out;
    ASSERT_EQ(readNpzImage(*image, out), "") << what;
    expectNumpyNpz(out, what);
    std::string file = path(std::string(what) + ".npz");
    writeFile(file, *image);
    std::map<std::string, Array> fromFile;
    ASSERT_EQ(readNpz(file, fromFile), "") << what;
    expectNumpyNpz(fromFile, what);
  }
}

//===----------------------------------------------------------------------===//
// Malformed .npy
//===----------------------------------------------------------------------===//

TEST_F(NpyFileTest, NpyBadMagic) {
  std::vector<uint8_t> image = npyImage(dictFor("<f4", "(1,)"), {0, 0, 0, 0});
  image[1] = 'X';
  expectNpyError(image, "not a .npy file (bad magic string)");
  expectNpyError({'h', 'i'}, "bad magic");
  expectNpyError({}, "truncated header");
}

TEST_F(NpyFileTest, NpyUnsupportedVersion) {
  expectNpyError(npyImage(dictFor("<f4", "()"), {0, 0, 0, 0}, 4),
                 "unsupported .npy format version 4.0");
  expectNpyError(npyImage(dictFor("<f4", "()"), {0, 0, 0, 0}, 1, 1),
                 "unsupported .npy format version 1.1");
}

TEST_F(NpyFileTest, NpyVersion2And3Headers) {
  for (uint8_t major : {2, 3}) {
    Array out;
    std::vector<uint8_t> image =
        npyImage(dictFor("<i4", "(1,)"), {1, 0, 0, 0}, major);
    ASSERT_EQ(readNpyImage(image, out), "");
    EXPECT_EQ(out.data, (std::vector<uint8_t>{1, 0, 0, 0}));
  }
}

TEST_F(NpyFileTest, NpyEveryPrefixIsTruncated) {
  for (const NpyFixture &fixture : npyFixtures()) {
    for (size_t len = 0; len < fixture.file.size(); ++len) {
      Array out;
      std::vector<uint8_t> prefix(fixture.file.begin(),
                                  fixture.file.begin() + len);
      std::string err = readNpyImage(prefix, out);
      EXPECT_NE(err.find("truncated"), std::string::npos)
          << fixture.name << " prefix " << len << ": " << err;
    }
  }
}

TEST_F(NpyFileTest, NpyTruncatedAndTrailingData) {
  std::vector<uint8_t> payload(10, 0);
  expectNpyError(npyImage(dictFor("<f8", "(2, 3)"), payload),
                 "mem.npy: truncated data (expected 48 bytes, found 10)");
  expectNpyError(npyImage(dictFor("|u1", "(3,)"), {1, 2, 3, 4}),
                 "unexpected trailing data (expected 3 bytes, found 4)");
  expectNpyError(npyImage(dictFor("<i4", "()"), {}),
                 "truncated data (expected 4 bytes, found 0)");
  expectNpyError(npyImage(dictFor("<f4", "(1099511627776,)"), payload),
                 "truncated data (expected 4398046511104 bytes, found 10)");
  expectNpyError(npyImage(dictFor("<f4", "(4611686018427387904, 8)"), {}),
                 "array size overflows");
}

TEST_F(NpyFileTest, NpyTruncatedHeader) {
  std::vector<uint8_t> image = npyImage(dictFor("<f4", "()"), {0, 0, 0, 0});
  image.resize(40);
  expectNpyError(image, "truncated header (expected 128 bytes, found 40)");
  std::vector<uint8_t> huge = {0x93, 'N', 'U',  'M',  'P',  'Y',
                               2,    0,   0xFF, 0xFF, 0xFF, 0xFF};
  expectNpyError(huge, "header too large (4294967295 bytes)");
}

TEST_F(NpyFileTest, NpyUnsupportedDTypes) {
  std::vector<uint8_t> four(4, 0);
  expectNpyError(npyImage(dictFor("<c8", "()"), four),
                 "unsupported dtype descr '<c8'");
  expectNpyError(npyImage(dictFor("<u2", "(2,)"), four),
                 "unsupported dtype descr '<u2'");
  expectNpyError(npyImage(dictFor(">f4", "()"), four),
                 "big-endian arrays are not supported (descr '>f4')");
  expectNpyError(npyImage(dictFor(">i8", "()"), four), "big-endian");
  expectNpyError(npyImage(dictFor("|O", "()"), four),
                 "object arrays are not supported");
  expectNpyError(npyImage("{'descr': [('a', '<f4')], 'fortran_order': False, "
                          "'shape': (), }",
                          four),
                 "structured dtypes are not supported");
}

TEST_F(NpyFileTest, NpyAcceptedDescrSpellings) {
  const std::pair<const char *, DType> spellings[] = {
      {"<i1", DType::I8},  {"|i1", DType::I8},   {"<u1", DType::U8},
      {"|u1", DType::U8},  {"|V2", DType::BF16}, {"<V2", DType::BF16},
      {"|b1", DType::Bool}};
  for (const auto &[descr, dtype] : spellings) {
    Array out;
    std::vector<uint8_t> payload(dtypeSize(dtype), 1);
    ASSERT_EQ(readNpyImage(npyImage(dictFor(descr, "()"), payload), out), "")
        << descr;
    EXPECT_EQ(out.dtype, dtype) << descr;
  }
}

TEST_F(NpyFileTest, NpyFortranOrder) {
  expectNpyError(npyImage(dictFor("<f4", "(1,)", "True"), {0, 0, 0, 0}),
                 "mem.npy: fortran-order arrays are not supported");
  expectNpyError(npyImage(dictFor("<f4", "(1,)", "1"), {0, 0, 0, 0}),
                 "'fortran_order' must be True or False");
}

TEST_F(NpyFileTest, NpyHeaderInconsistencies) {
  std::vector<uint8_t> four(4, 0);
  const std::pair<std::string, std::string> cases[] = {
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'shape': (1,), 'fortran_order': False}", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (1,)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
       "'shape': (1,)}",
       "duplicate header key 'descr'"},
      {dictFor("<f4", "(1,), 'extra': 1"), "unexpected header key 'extra'"},
      {dictFor("<f4", "(1)"), "'shape' must be a tuple"},
      {dictFor("<f4", "[1]"), "'shape' must be a tuple"},
      {dictFor("<f4", "(-1,)"), "'shape' must be a tuple"},
      {dictFor("<f4", "('1',)"), "'shape' must be a tuple"},
      {dictFor("<f4", "(True,)"), "'shape' must be a tuple"},
      {dictFor("<f4", "(99999999999999999999,)"), "integer out of range"},
      {dictFor("<f4", "(1,,)"), "malformed header"},
      {dictFor("<f4", "(1 2)"), "malformed header"},
      {dictFor("<f4", "((((((((((((((((((((1,),),),),),),),),),),),),),),),),"
                      "),),),),)"),
       "nested too deeply"},
      {"{'descr': 3, 'fortran_order': False, 'shape': (1,)}",
       "'descr' must be a string"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
       "malformed header"},
      {"{'descr': '<f4', 'fortran_order': Nope, 'shape': (1,)}",
       "unknown name 'Nope'"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
       "expected ',' or '}'"},
      {dictFor("<f4", "(1,)") + " x", "unexpected characters after the dict"},
      {"'descr': '<f4'", "expected '{'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
       "malformed header"},
      {"", "expected '{'"},
  };
  for (const auto &[dict, needle] : cases) {
    SCOPED_TRACE(dict);
    expectNpyError(npyImage(dict, four), needle);
  }
}

TEST_F(NpyFileTest, NpyHeaderSyntaxVariants) {
  // Double quotes, no trailing comma, Python 2 long suffix, odd spacing.
  Array out;
  std::vector<uint8_t> image =
      npyImage("{\"shape\":(2L,1 ,),\"fortran_order\":False,\"descr\":\"<i4\"}",
               {1, 0, 0, 0, 2, 0, 0, 0});
  ASSERT_EQ(readNpyImage(image, out), "");
  EXPECT_EQ(out.shape, (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(out.dtype, DType::I32);
}

TEST_F(NpyFileTest, NpyByteFlipsNeverCrash) {
  const std::vector<uint8_t> &image = fixtureNamed("float32_2x3").file;
  for (size_t pos = 0; pos < image.size(); ++pos) {
    for (uint8_t mask : {0x01, 0x20, 0x80, 0xFF}) {
      std::vector<uint8_t> corrupt = image;
      corrupt[pos] ^= mask;
      Array out;
      if (!readNpyImage(corrupt, out).empty())
        continue;
      EXPECT_EQ(size_t(out.numElements()) * out.elementSize(), out.data.size());
    }
  }
}

TEST_F(NpyFileTest, MissingAndUnreadableFiles) {
  std::string missing = path("missing.npy");
  Array out;
  std::string err = readNpy(missing, out);
  EXPECT_EQ(err.rfind(missing + ": cannot open file: ", 0), 0u) << err;
  std::map<std::string, Array> arrays;
  err = readNpz(path("missing.npz"), arrays);
  EXPECT_EQ(err.rfind(path("missing.npz") + ": cannot open file", 0), 0u)
      << err;
  EXPECT_NE(readNpy(dir.string(), out).find("not a regular file"),
            std::string::npos);
  EXPECT_NE(readNpz(dir.string(), arrays).find("not a regular file"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Malformed .npz
//===----------------------------------------------------------------------===//

TEST_F(NpyFileTest, NpzCorruptedCrc) {
  std::vector<uint8_t> image = kSavezNpz;
  // The first member is 'a' (float32 0..5); its last payload byte precedes
  // the local header of the second member.
  std::vector<size_t> locals = findSignature(image, 0x04034b50);
  ASSERT_GE(locals.size(), 2u);
  image[locals[1] - 1] ^= 0x01;
  std::map<std::string, Array> out;
  std::string err = readNpzImage(image, out);
  EXPECT_EQ(err.rfind("mem.npz: array 'a': CRC-32 mismatch (expected 0x", 0),
            0u)
      << err;
  EXPECT_TRUE(out.empty()) << "output must be unchanged";
}

TEST_F(NpyFileTest, NpzEveryPrefixFails) {
  const std::vector<uint8_t> *images[] = {&kSavezNpz, &kSavezCompressedNpz,
                                          &kZip64Npz};
  for (const std::vector<uint8_t> *image : images) {
    for (size_t len = 0; len < image->size(); ++len) {
      std::map<std::string, Array> out;
      std::string err = readNpzFromBuffer("p.npz", image->data(), len, out);
      EXPECT_EQ(err.rfind("p.npz: ", 0), 0u) << "prefix " << len << ": " << err;
    }
  }
  // A few truncated files on disk as well.
  std::string file = path("cut.npz");
  for (size_t len :
       {size_t(0), size_t(21), kSavezNpz.size() / 2, kSavezNpz.size() - 1}) {
    writeFile(file,
              std::vector<uint8_t>(kSavezNpz.begin(), kSavezNpz.begin() + len));
    std::map<std::string, Array> out;
    EXPECT_EQ(readNpz(file, out).rfind(file + ": ", 0), 0u) << len;
  }
}

TEST_F(NpyFileTest, NpzByteFlipsNeverCrash) {
  const std::vector<uint8_t> *images[] = {&kSavezNpz, &kSavezCompressedNpz,
                                          &kZip64Npz};
  for (const std::vector<uint8_t> *image : images) {
    for (size_t pos = 0; pos < image->size(); ++pos) {
      for (uint8_t mask : {0x01, 0x80, 0xFF}) {
        std::vector<uint8_t> corrupt = *image;
        corrupt[pos] ^= mask;
        std::map<std::string, Array> out;
        if (!readNpzImage(corrupt, out).empty())
          continue;
        for (const auto &[key, array] : out)
          EXPECT_EQ(size_t(array.numElements()) * array.elementSize(),
                    array.data.size());
      }
    }
  }
}

TEST_F(NpyFileTest, NpzMemberErrorsNameTheArray) {
  std::vector<uint8_t> bad =
      npyImage(dictFor("<f4", "(16, 16)"), std::vector<uint8_t>(10, 0));
  std::vector<uint8_t> zip = zipImage({{"x.npy", bad}});
  std::map<std::string, Array> out;
  std::string file = path("data.npz");
  writeFile(file, zip);
  EXPECT_EQ(readNpz(file, out),
            file + ": array 'x': truncated data (expected 1024 bytes, found "
                   "10)");
}

TEST_F(NpyFileTest, NpzStructuralErrors) {
  std::vector<uint8_t> good = npyImage(dictFor("|u1", "(1,)"), {7});
  const std::pair<std::vector<uint8_t>, std::string> cases[] = {
      {zipImage({{"x.npy", good}, {"x.npy", good}}),
       "mem.npz: array 'x': duplicate member"},
      {zipImage({{"readme.txt", good}}),
       "mem.npz: member 'readme.txt' is not a .npy file"},
      {std::vector<uint8_t>(100, 'z'), "not a zip archive"},
      {{}, "empty file is not a zip archive"},
  };
  for (const auto &[image, needle] : cases) {
    std::map<std::string, Array> out;
    std::string err = readNpzImage(image, out);
    EXPECT_NE(err.find(needle), std::string::npos) << err;
  }
  std::map<std::string, Array> out;
  ASSERT_EQ(readNpzImage(zipImage({{"dir/x.npy", good}}), out), "");
  EXPECT_EQ(out.count("dir/x"), 1u);
}

/// Patches the 16-bit field at \p offset of every local and central header.
std::vector<uint8_t> patchHeaders(std::vector<uint8_t> image,
                                  size_t localOffset, size_t centralOffset,
                                  uint16_t value) {
  for (size_t pos : findSignature(image, 0x04034b50)) {
    image[pos + localOffset] = uint8_t(value);
    image[pos + localOffset + 1] = uint8_t(value >> 8);
  }
  for (size_t pos : findSignature(image, 0x02014b50)) {
    image[pos + centralOffset] = uint8_t(value);
    image[pos + centralOffset + 1] = uint8_t(value >> 8);
  }
  return image;
}

TEST_F(NpyFileTest, NpzUnsupportedFeatures) {
  std::vector<uint8_t> zip =
      zipImage({{"x.npy", npyImage(dictFor("|u1", "(1,)"), {7})}});
  std::map<std::string, Array> out;
  EXPECT_NE(readNpzImage(patchHeaders(zip, 8, 10, 12), out)
                .find("array 'x': unsupported compression method 12"),
            std::string::npos);
  EXPECT_NE(readNpzImage(patchHeaders(zip, 6, 8, 1), out)
                .find("encrypted members are not supported"),
            std::string::npos);
  std::vector<uint8_t> multiDisk = zip;
  multiDisk[multiDisk.size() - 22 + 4] = 1;
  EXPECT_NE(readNpzImage(multiDisk, out).find("multi-disk"), std::string::npos);
  std::vector<uint8_t> renamed = zip;
  renamed[30] = 'y'; // Local header name no longer matches.
  EXPECT_NE(readNpzImage(renamed, out).find("local header name"),
            std::string::npos);
}

TEST_F(NpyFileTest, NpzSizesBeyondArchive) {
  std::vector<uint8_t> zip =
      zipImage({{"x.npy", npyImage(dictFor("|u1", "(1,)"), {7})}});
  // Consistent local and central sizes that point past the end of the file.
  for (auto [local, central] : {std::pair<size_t, size_t>{18, 20}, {22, 24}}) {
    zip = patchHeaders(zip, local, central, 0);
    zip = patchHeaders(zip, local + 2, central + 2, 0x10);
  }
  std::map<std::string, Array> out;
  std::string err = readNpzImage(zip, out);
  EXPECT_NE(err.find("array 'x': truncated archive: member data out of bounds"),
            std::string::npos)
      << err;
}

TEST_F(NpyFileTest, NpzCompressedCorruption) {
  // Flip bits inside the deflate streams: either the stream or the CRC check
  // must reject it.
  std::vector<size_t> locals = findSignature(kSavezCompressedNpz, 0x04034b50);
  ASSERT_FALSE(locals.empty());
  std::vector<uint8_t> image = kSavezCompressedNpz;
  image[locals[0] + 60] ^= 0x55;
  std::map<std::string, Array> out;
  EXPECT_NE(readNpzImage(image, out).find("mem.npz: array 'a': "),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// Write errors
//===----------------------------------------------------------------------===//

TEST_F(NpyFileTest, WriteRejectsInvalidArrays) {
  Array bad = makeArray(DType::F32, {2, 2});
  bad.data.pop_back();
  std::string file = path("bad.npy");
  EXPECT_EQ(writeNpy(file, bad),
            file + ": data size does not match shape (2, 2) of float32 "
                   "(expected 16 bytes, found 15)");
  Array negative = makeArray(DType::F32, {});
  negative.shape = {-1};
  EXPECT_NE(writeNpy(file, negative).find("negative dimension"),
            std::string::npos);
  std::string npz = path("bad.npz");
  EXPECT_EQ(writeNpz(npz, {{"ok", makeArray(DType::U8, {1})}, {"b", bad}})
                .rfind(npz + ": array 'b': data size does not match", 0),
            0u);
  EXPECT_NE(
      writeNpz(npz, {{"", makeArray(DType::U8, {1})}}).find("empty array key"),
      std::string::npos);
  EXPECT_TRUE(listDir().empty());
}

TEST_F(NpyFileTest, WriteFailuresLeaveNoTemporaryFiles) {
  std::string noDir = path("nodir/a.npy");
  EXPECT_EQ(writeNpy(noDir, makeArray(DType::U8, {1}))
                .rfind(noDir + ": cannot create temporary file", 0),
            0u);
  // Renaming a file over a directory fails after the data was written.
  std::string target = path("target.npz");
  fs::create_directory(target);
  std::string err = writeNpz(target, {{"a", makeArray(DType::U8, {1})}});
  EXPECT_EQ(err.rfind(target + ": cannot rename", 0), 0u) << err;
  err = writeNpy(target, makeArray(DType::U8, {1}));
  EXPECT_EQ(err.rfind(target + ": cannot rename", 0), 0u) << err;
  EXPECT_EQ(listDir(), std::vector<std::string>{"target.npz"});
}

} // namespace
