//===- Npy.h - NumPy .npy / .npz reader and writer --------------*- C++ -*-===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// A small, dependency-light reader and writer for NumPy's `.npy` array files
/// and `.npz` archives (zip files of `.npy` members).
///
/// The API never throws: every fallible function returns a `std::string` that
/// is empty on success and otherwise holds a human-readable message naming the
/// file (and, for archives, the array key), e.g.
/// `data.npz: array 'x': truncated data (expected 1024 bytes, found 10)`.
/// On failure the output argument is left unchanged.
///
/// Supported element types are listed in `DType`. bfloat16 has no native NumPy
/// dtype; `ml_dtypes` saves it with the opaque descr `'<V2'`, so this library
/// reads `'<V2'` (and NumPy's canonical spelling `'|V2'`) as `DType::BF16` and
/// writes `DType::BF16` as `'<V2'`. Python readers must reinterpret such arrays
/// with `arr.view(ml_dtypes.bfloat16)`.
///
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_NPY_H
#define LP_RUNTIME_NPY_H

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace lp {
namespace npy {

/// Element type of an array.
enum class DType { F32, F64, F16, BF16, I8, I32, I64, U8, Bool };

/// A dense, C-order (row-major), little-endian N-dimensional array.
struct Array {
  /// Element type.
  DType dtype = DType::F32;
  /// Dimensions; empty for a scalar (which holds exactly one element).
  std::vector<int64_t> shape;
  /// Raw element bytes, `numElements() * elementSize()` of them.
  std::vector<uint8_t> data;

  /// Product of the dimensions (1 for a scalar, 0 if any dimension is 0).
  int64_t numElements() const;
  /// Size in bytes of one element, i.e. `dtypeSize(dtype)`.
  size_t elementSize() const;
};

/// Returns the NumPy-style name of \p dtype ("float32", "bfloat16", ...).
const char *dtypeName(DType dtype);

/// Returns the size in bytes of one element of \p dtype.
size_t dtypeSize(DType dtype);

/// Reads the `.npy` file at \p path into \p out.
std::string readNpy(const std::string &path, Array &out);

/// Parses a complete in-memory `.npy` image of \p size bytes. \p name is only
/// used as the prefix of error messages.
std::string readNpyFromBuffer(const std::string &name, const uint8_t *data,
                              size_t size, Array &out);

/// Reads every member of the `.npz` archive at \p path into \p out, keyed by
/// member name without the ".npy" suffix. Both stored (`np.savez`) and
/// deflated (`np.savez_compressed`) members are supported, including ZIP64
/// records; CRC-32 checksums are verified.
std::string readNpz(const std::string &path, std::map<std::string, Array> &out);

/// Parses a complete in-memory `.npz` image of \p size bytes, like readNpz.
/// \p name is only used as the prefix of error messages.
std::string readNpzFromBuffer(const std::string &name, const uint8_t *data,
                              size_t size, std::map<std::string, Array> &out);

/// Whether \p path can be written the way writeNpy/writeNpz write it: it
/// is not an existing non-regular file (a directory, a device, a FIFO, a
/// symbolic link: never replaced) and its directory takes a new file. An
/// empty string or the reason; checked before work whose result it holds.
std::string checkWritable(const std::string &path);

/// Writes \p a to \p path as a `.npy` file (format version 1.0, or 2.0 when
/// the header does not fit). The file is written to `path + ".tmp.<pid>"`
/// first and then renamed over \p path.
std::string writeNpy(const std::string &path, const Array &a);

/// Writes \p arrays to \p path as an uncompressed `.npz` archive (member
/// "<key>.npy" per entry), atomically like `writeNpy`. Archives whose members
/// or total size would need ZIP64 (4 GiB and more) are rejected.
std::string writeNpz(const std::string &path,
                     const std::map<std::string, Array> &arrays);

} // namespace npy
} // namespace lp

#endif // LP_RUNTIME_NPY_H
