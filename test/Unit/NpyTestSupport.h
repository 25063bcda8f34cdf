//===- NpyTestSupport.h - fixtures shared by the npy/npz tests --*- C++ -*-===//

#ifndef LP_TEST_UNIT_NPYTESTSUPPORT_H
#define LP_TEST_UNIT_NPYTESTSUPPORT_H

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

} // namespace

#endif // LP_TEST_UNIT_NPYTESTSUPPORT_H
