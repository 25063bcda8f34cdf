//===- NpyInternal.h - Helpers shared by the .npy/.npz code -----*- C++ -*-===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// Private helpers shared between NpyFile.cpp and NpzArchive.cpp. Not
/// installed and not part of the public API.
///
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_LIB_NPYINTERNAL_H
#define LP_RUNTIME_LIB_NPYINTERNAL_H

#include "lp/Runtime/Npy.h"

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace lp {
namespace npy {
namespace detail {

/// The information carried by a .npy header dictionary.
struct NpyHeader {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
};

/// Parses and validates the header dictionary \p text of \p size bytes (the
/// part after the preamble, including padding). Returns an error message
/// without a file prefix, or an empty string.
std::string parseHeaderDict(const char *text, size_t size, NpyHeader &header);

/// Returns the unpadded header dictionary describing \p a.
std::string formatHeaderDict(const Array &a);

/// Returns \p shape as a Python tuple literal, e.g. "(2, 3)" or "(4,)".
std::string formatShape(const std::vector<int64_t> &shape);

/// Checks that \p a is writable: non-negative dimensions and a data buffer of
/// exactly `numElements() * elementSize()` bytes. Returns an error message
/// without a file prefix, or an empty string.
std::string validateArray(const Array &a);

/// Builds the `.npy` preamble of \p a: magic, version, header length and the
/// space-padded header dictionary. The element bytes follow it directly.
/// Returns an error message without a file prefix, or an empty string.
std::string encodeNpyPreamble(const Array &a, std::vector<uint8_t> &out);

/// Reads the whole file at \p path into \p out. Returns an error message that
/// names \p path, or an empty string.
std::string readFileBytes(const std::string &path, std::vector<uint8_t> &out);

/// Callback that writes file contents to an open stream; returns an error
/// message without a file prefix, or an empty string.
using StreamWriter = std::function<std::string(std::FILE *)>;

/// Writes \p size bytes at \p data to \p file; returns false on failure.
bool writeBytes(std::FILE *file, const void *data, size_t size);

/// Creates `path + ".tmp.<pid>"`, fills it with \p writer, flushes it to disk
/// and renames it over \p path. The temporary file is removed on failure.
/// Returns an error message that names \p path, or an empty string.
std::string writeFileAtomic(const std::string &path,
                            const StreamWriter &writer);

} // namespace detail
} // namespace npy
} // namespace lp

#endif // LP_RUNTIME_LIB_NPYINTERNAL_H
