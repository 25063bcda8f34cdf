//===- NpzTest.cpp - Tests for malformed .npz archives and failed writes ---===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//

#include "NpyTestSupport.h"

namespace {

/// Same fixture as NpyTest.cpp's NpyFileTest, under its own suite name.
class NpzFileTest : public NpyFileTest {};

//===----------------------------------------------------------------------===//
// Malformed .npz
//===----------------------------------------------------------------------===//

TEST_F(NpzFileTest, NpzCorruptedCrc) {
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

TEST_F(NpzFileTest, NpzEveryPrefixFails) {
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

TEST_F(NpzFileTest, NpzByteFlipsNeverCrash) {
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

TEST_F(NpzFileTest, NpzMemberErrorsNameTheArray) {
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

TEST_F(NpzFileTest, NpzStructuralErrors) {
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

TEST_F(NpzFileTest, NpzUnsupportedFeatures) {
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

TEST_F(NpzFileTest, NpzSizesBeyondArchive) {
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

TEST_F(NpzFileTest, NpzCompressedCorruption) {
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

TEST_F(NpzFileTest, WriteRejectsInvalidArrays) {
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

TEST_F(NpzFileTest, WriteFailuresLeaveNoTemporaryFiles) {
  std::string noDir = path("nodir/a.npy");
  EXPECT_EQ(writeNpy(noDir, makeArray(DType::U8, {1}))
                .rfind(noDir + ": cannot create temporary file", 0),
            0u);
  // A directory (any existing non-regular file) is never replaced: refused
  // before anything is written.
  std::string target = path("target.npz");
  fs::create_directory(target);
  std::string refused =
      target + ": exists and is not a regular file (a directory)";
  std::string err = writeNpz(target, {{"a", makeArray(DType::U8, {1})}});
  EXPECT_EQ(err.rfind(refused, 0), 0u) << err;
  err = writeNpy(target, makeArray(DType::U8, {1}));
  EXPECT_EQ(err.rfind(refused, 0), 0u) << err;
  EXPECT_EQ(checkWritable(target).rfind(refused, 0), 0u);
  EXPECT_EQ(checkWritable(path("new.npz")), "");
  EXPECT_EQ(listDir(), std::vector<std::string>{"target.npz"});
}

} // namespace
