//===- NpyFile.cpp - NumPy .npy reader and writer -------------------------===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Implements `.npy` parsing and serialization, the dtype helpers and the
/// file helpers shared with the `.npz` code.
///
/// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY", a
/// major and minor version byte, a little-endian header length (2 bytes for
/// version 1.0, 4 bytes for 2.0 and 3.0), a Python dict literal with the keys
/// 'descr', 'fortran_order' and 'shape', and then the raw element bytes.
///
//===----------------------------------------------------------------------===//

#include "NpyInternal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include <sys/stat.h>
#include <unistd.h>

using namespace lp::npy;

//===----------------------------------------------------------------------===//
// Constants and helpers
//===----------------------------------------------------------------------===//

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
/// Magic, two version bytes and the 2-byte (v1) header length.
constexpr size_t kPreambleV1 = kMagicLen + 2 + 2;
/// Magic, two version bytes and the 4-byte (v2, v3) header length.
constexpr size_t kPreambleV2 = kMagicLen + 2 + 4;
/// NumPy pads the preamble plus header to a multiple of this.
constexpr size_t kHeaderAlign = 64;
/// Headers larger than this are rejected (NumPy itself stops at 10000 bytes
/// by default); it bounds allocations driven by untrusted length fields.
constexpr size_t kMaxHeaderLen = size_t(1) << 20;

uint32_t readLE(const uint8_t *p, size_t bytes) {
  uint32_t v = 0;
  for (size_t i = 0; i < bytes; ++i)
    v |= uint32_t(p[i]) << (8 * i);
  return v;
}

/// Multiplies \p a by \p b, returning false on uint64_t overflow.
bool mulChecked(uint64_t a, uint64_t b, uint64_t &result) {
  if (a != 0 && b > std::numeric_limits<uint64_t>::max() / a)
    return false;
  result = a * b;
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Public dtype helpers
//===----------------------------------------------------------------------===//

const char *lp::npy::dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "float32";
  case DType::F64:
    return "float64";
  case DType::F16:
    return "float16";
  case DType::BF16:
    return "bfloat16";
  case DType::I8:
    return "int8";
  case DType::I32:
    return "int32";
  case DType::I64:
    return "int64";
  case DType::U8:
    return "uint8";
  case DType::Bool:
    return "bool";
  }
  return "unknown";
}

size_t lp::npy::dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::F16:
  case DType::BF16:
    return 2;
  case DType::I8:
  case DType::U8:
  case DType::Bool:
    return 1;
  }
  return 0;
}

int64_t Array::numElements() const {
  int64_t n = 1;
  for (int64_t dim : shape)
    n *= dim;
  return n;
}

size_t Array::elementSize() const { return dtypeSize(dtype); }

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

namespace {

/// Location of the header dict, decoded from the fixed-size preamble.
struct Preamble {
  size_t headerOffset = 0;
  size_t headerLen = 0;
};

/// Decodes the preamble from the first \p size bytes of a file (at least
/// kPreambleV2 bytes if the file is that long).
std::string parsePreamble(const uint8_t *data, size_t size, Preamble &pre) {
  if (std::memcmp(data, kMagic, std::min(size, kMagicLen)) != 0)
    return "not a .npy file (bad magic string)";
  if (size < kMagicLen + 2)
    return "truncated header (file is only " + std::to_string(size) + " bytes)";
  uint8_t major = data[kMagicLen], minor = data[kMagicLen + 1];
  if (major < 1 || major > 3 || minor != 0)
    return "unsupported .npy format version " + std::to_string(major) + "." +
           std::to_string(minor);
  pre.headerOffset = major == 1 ? kPreambleV1 : kPreambleV2;
  if (size < pre.headerOffset)
    return "truncated header (file is only " + std::to_string(size) + " bytes)";
  pre.headerLen =
      readLE(data + kMagicLen + 2, pre.headerOffset - kMagicLen - 2);
  if (pre.headerLen > kMaxHeaderLen)
    return "header too large (" + std::to_string(pre.headerLen) + " bytes)";
  return "";
}

std::string checkHeaderFits(const Preamble &pre, uint64_t fileSize) {
  uint64_t needed = uint64_t(pre.headerOffset) + pre.headerLen;
  if (fileSize < needed)
    return "truncated header (expected " + std::to_string(needed) +
           " bytes, found " + std::to_string(fileSize) + ")";
  return "";
}

/// Computes the payload size implied by \p header.
std::string payloadBytes(const detail::NpyHeader &header, uint64_t &bytes) {
  bytes = dtypeSize(header.dtype);
  for (int64_t dim : header.shape)
    if (!mulChecked(bytes, uint64_t(dim), bytes))
      return "array size overflows";
  if (bytes > std::numeric_limits<size_t>::max())
    return "array too large for this platform";
  return "";
}

std::string checkPayload(uint64_t expected, uint64_t found) {
  if (found == expected)
    return "";
  std::string sizes = "(expected " + std::to_string(expected) +
                      " bytes, found " + std::to_string(found) + ")";
  if (found < expected)
    return "truncated data " + sizes;
  return "unexpected trailing data " + sizes;
}

std::string prefixed(const std::string &name, const std::string &err) {
  return err.empty() ? err : name + ": " + err;
}

struct FileCloser {
  void operator()(std::FILE *file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

/// Opens \p path for reading and returns its size; it must be a regular file.
std::string openForRead(const std::string &path, FilePtr &file,
                        uint64_t &size) {
  // Checked before opening: opening a FIFO blocks until a writer comes.
  struct stat before;
  if (stat(path.c_str(), &before) == 0 && !S_ISREG(before.st_mode))
    return S_ISFIFO(before.st_mode)  ? "not a regular file (a FIFO)"
           : S_ISDIR(before.st_mode) ? "not a regular file (a directory)"
                                     : "not a regular file (a device)";
  file.reset(std::fopen(path.c_str(), "rb"));
  if (!file)
    return std::string("cannot open file: ") + std::strerror(errno);
  struct stat st;
  if (fstat(fileno(file.get()), &st) != 0)
    return std::string("cannot stat file: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode))
    return "not a regular file";
  size = uint64_t(st.st_size);
  return "";
}

std::string readExactly(std::FILE *file, void *dest, size_t size) {
  if (size != 0 && std::fread(dest, 1, size, file) != size)
    return std::ferror(file)
               ? std::string("read error: ") + std::strerror(errno)
               : "file shrank while reading";
  return "";
}

/// Streaming implementation of readNpy; errors are unprefixed.
std::string readNpyStream(const std::string &path, Array &out) {
  FilePtr file;
  uint64_t fileSize = 0;
  if (std::string err = openForRead(path, file, fileSize); !err.empty())
    return err;
  uint8_t fixed[kPreambleV2];
  size_t fixedLen = size_t(std::min<uint64_t>(fileSize, kPreambleV2));
  if (std::string err = readExactly(file.get(), fixed, fixedLen); !err.empty())
    return err;
  Preamble pre;
  if (std::string err = parsePreamble(fixed, fixedLen, pre); !err.empty())
    return err;
  if (std::string err = checkHeaderFits(pre, fileSize); !err.empty())
    return err;
  std::string text(pre.headerLen, '\0');
  if (std::fseek(file.get(), long(pre.headerOffset), SEEK_SET) != 0)
    return std::string("seek error: ") + std::strerror(errno);
  if (std::string err = readExactly(file.get(), &text[0], text.size());
      !err.empty())
    return err;
  detail::NpyHeader header;
  uint64_t expected = 0;
  if (std::string err =
          detail::parseHeaderDict(text.data(), text.size(), header);
      !err.empty())
    return err;
  if (std::string err = payloadBytes(header, expected); !err.empty())
    return err;
  uint64_t dataOffset = pre.headerOffset + pre.headerLen;
  if (std::string err = checkPayload(expected, fileSize - dataOffset);
      !err.empty())
    return err;
  std::vector<uint8_t> data(static_cast<size_t>(expected));
  if (std::string err = readExactly(file.get(), data.data(), data.size());
      !err.empty())
    return err;
  out.dtype = header.dtype;
  out.shape = std::move(header.shape);
  out.data = std::move(data);
  return "";
}

/// In-memory implementation of readNpyFromBuffer; errors are unprefixed.
std::string readNpyBuffer(const uint8_t *data, size_t size, Array &out) {
  Preamble pre;
  if (std::string err = parsePreamble(data, size, pre); !err.empty())
    return err;
  if (std::string err = checkHeaderFits(pre, size); !err.empty())
    return err;
  detail::NpyHeader header;
  uint64_t expected = 0;
  const char *text = reinterpret_cast<const char *>(data + pre.headerOffset);
  if (std::string err = detail::parseHeaderDict(text, pre.headerLen, header);
      !err.empty())
    return err;
  if (std::string err = payloadBytes(header, expected); !err.empty())
    return err;
  size_t dataOffset = pre.headerOffset + pre.headerLen;
  if (std::string err = checkPayload(expected, size - dataOffset); !err.empty())
    return err;
  out.dtype = header.dtype;
  out.shape = std::move(header.shape);
  out.data.assign(data + dataOffset, data + size);
  return "";
}

} // namespace

std::string lp::npy::readNpy(const std::string &path, Array &out) {
  return prefixed(path, readNpyStream(path, out));
}

std::string lp::npy::readNpyFromBuffer(const std::string &name,
                                       const uint8_t *data, size_t size,
                                       Array &out) {
  if (!data && size != 0)
    return prefixed(name, "null buffer");
  static const uint8_t empty = 0;
  return prefixed(name, readNpyBuffer(data ? data : &empty, size, out));
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

namespace {

void appendLE(std::vector<uint8_t> &out, uint32_t value, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i)
    out.push_back(uint8_t(value >> (8 * i)));
}

} // namespace

std::string lp::npy::detail::validateArray(const Array &a) {
  uint64_t expected = a.elementSize();
  if (expected == 0)
    return "invalid dtype";
  for (int64_t dim : a.shape) {
    if (dim < 0)
      return "negative dimension in shape " + detail::formatShape(a.shape);
    if (!mulChecked(expected, uint64_t(dim), expected))
      return "array size overflows";
  }
  if (expected != a.data.size())
    return "data size does not match shape " + detail::formatShape(a.shape) +
           " of " + dtypeName(a.dtype) + " (expected " +
           std::to_string(expected) + " bytes, found " +
           std::to_string(a.data.size()) + ")";
  return "";
}

std::string lp::npy::detail::encodeNpyPreamble(const Array &a,
                                               std::vector<uint8_t> &out) {
  std::string dict = detail::formatHeaderDict(a);
  // Version 1.0 unless the padded header overflows its 16-bit length field.
  size_t preamble = kPreambleV1;
  size_t total = (preamble + dict.size() + 1 + kHeaderAlign - 1) /
                 kHeaderAlign * kHeaderAlign;
  if (total - preamble > 0xFFFF) {
    preamble = kPreambleV2;
    total = (preamble + dict.size() + 1 + kHeaderAlign - 1) / kHeaderAlign *
            kHeaderAlign;
  }
  size_t headerLen = total - preamble;
  if (headerLen > kMaxHeaderLen)
    return "array has too many dimensions (" + std::to_string(a.shape.size()) +
           ")";
  dict.append(headerLen - dict.size() - 1, ' ');
  dict += '\n';
  out.assign(kMagic, kMagic + kMagicLen);
  out.push_back(preamble == kPreambleV1 ? 1 : 2);
  out.push_back(0);
  appendLE(out, uint32_t(headerLen), preamble - kMagicLen - 2);
  out.insert(out.end(), dict.begin(), dict.end());
  return "";
}

std::string lp::npy::detail::readFileBytes(const std::string &path,
                                           std::vector<uint8_t> &out) {
  FilePtr file;
  uint64_t size = 0;
  std::string err = openForRead(path, file, size);
  if (err.empty() && size > std::numeric_limits<size_t>::max())
    err = "file too large for this platform";
  std::vector<uint8_t> bytes;
  if (err.empty()) {
    bytes.resize(size_t(size));
    err = readExactly(file.get(), bytes.data(), bytes.size());
  }
  if (err.empty())
    out = std::move(bytes);
  return prefixed(path, err);
}

bool lp::npy::detail::writeBytes(std::FILE *file, const void *data,
                                 size_t size) {
  return size == 0 || std::fwrite(data, 1, size, file) == size;
}

/// Why `path` may not be replaced: it exists and is not a regular file.
static std::string notRegular(const std::string &path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0 || S_ISREG(st.st_mode))
    return "";
  return path + ": exists and is not a regular file (" +
         (S_ISDIR(st.st_mode)    ? "a directory"
          : S_ISLNK(st.st_mode)  ? "a symbolic link"
          : S_ISFIFO(st.st_mode) ? "a FIFO"
                                 : "a device or special file") +
         "): not replaced";
}

std::string lp::npy::checkWritable(const std::string &path) {
  if (std::string e = notRegular(path); !e.empty())
    return e;
  std::string tmp = path + ".tmp." + std::to_string(long(getpid()));
  std::FILE *file = std::fopen(tmp.c_str(), "wb");
  if (!file)
    return path + ": cannot be written: " + std::strerror(errno);
  std::fclose(file);
  std::remove(tmp.c_str());
  return "";
}

std::string lp::npy::detail::writeFileAtomic(const std::string &path,
                                             const StreamWriter &writer) {
  if (std::string e = notRegular(path); !e.empty())
    return e;
  std::string tmp = path + ".tmp." + std::to_string(long(getpid()));
  std::FILE *file = std::fopen(tmp.c_str(), "wb");
  if (!file)
    return path + ": cannot create temporary file '" + tmp +
           "': " + std::strerror(errno);
  std::string err = writer(file);
  if (err.empty() && (std::fflush(file) != 0 || fsync(fileno(file)) != 0))
    err = std::string("write error: ") + std::strerror(errno);
  if (std::fclose(file) != 0 && err.empty())
    err = std::string("write error: ") + std::strerror(errno);
  if (err.empty() && std::rename(tmp.c_str(), path.c_str()) != 0)
    err = "cannot rename '" + tmp + "': " + std::strerror(errno);
  if (!err.empty())
    std::remove(tmp.c_str());
  return prefixed(path, err);
}

std::string lp::npy::writeNpy(const std::string &path, const Array &a) {
  std::vector<uint8_t> preamble;
  std::string err = detail::validateArray(a);
  if (err.empty())
    err = detail::encodeNpyPreamble(a, preamble);
  if (!err.empty())
    return prefixed(path, err);
  return detail::writeFileAtomic(path, [&](std::FILE *file) -> std::string {
    if (!detail::writeBytes(file, preamble.data(), preamble.size()) ||
        !detail::writeBytes(file, a.data.data(), a.data.size()))
      return std::string("write error: ") + std::strerror(errno);
    return "";
  });
}
