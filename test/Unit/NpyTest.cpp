//===- NpyTest.cpp - Tests for the .npy / .npz reader and writer ----------===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//

#include "NpyTestSupport.h"

namespace {


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
      // 2^64 + 1 and 2^64: the check precedes the multiply (they wrapped).
      {dictFor("<f4", "(18446744073709551617,)"), "integer out of range"},
      {dictFor("<f4", "(18446744073709551616,)"), "integer out of range"},
      {dictFor("<f4", "(9223372036854775808,)"), "integer out of range"},
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

} // namespace
