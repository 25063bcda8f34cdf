//===- NpzArchive.cpp - NumPy .npz (zip) reader and writer ----------------===//
//
// Part of the LP project.
//
//===----------------------------------------------------------------------===//
///
/// \file
/// An .npz file is a zip archive with one "<key>.npy" member per array.
/// `np.savez` stores members uncompressed (ZIP_STORED) and always writes ZIP64
/// extra fields in local headers; `np.savez_compressed` uses raw DEFLATE.
///
/// The reader loads the whole archive into memory, locates the End Of Central
/// Directory record (and the ZIP64 one when present), walks the central
/// directory, and extracts each member, checking every offset and length
/// against the archive size and verifying CRC-32s. The writer emits a plain
/// (non-ZIP64) archive of stored members.
///
/// Format reference: PKWARE APPNOTE.TXT, sections 4.3 and 4.5.3.
///
//===----------------------------------------------------------------------===//

#include "NpyInternal.h"

#include <cerrno>
#include <climits>
#include <cstring>
#include <set>

#include <zlib.h>

using namespace lp::npy;

namespace {

constexpr uint32_t kLocalSig = 0x04034b50;
constexpr uint32_t kCentralSig = 0x02014b50;
constexpr uint32_t kEocdSig = 0x06054b50;
constexpr uint32_t kZip64EocdSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kLocalSize = 30;
constexpr size_t kCentralSize = 46;
constexpr size_t kEocdSize = 22;
constexpr size_t kZip64EocdSize = 56;
constexpr size_t kZip64LocatorSize = 20;
constexpr size_t kMaxCommentLen = 0xFFFF;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint16_t kFlagEncrypted = 0x0001;
constexpr uint16_t kFlagDataDescriptor = 0x0008;
constexpr uint16_t kFlagUtf8 = 0x0800;
constexpr uint16_t kMethodStored = 0;
constexpr uint16_t kMethodDeflate = 8;
/// DEFLATE cannot expand data by more than about 1032:1.
constexpr uint64_t kMaxDeflateRatio = 1032;
/// zlib's length fields are 32-bit; feed it at most this much at a time.
constexpr size_t kZlibChunk = size_t(1) << 30;
/// DOS date of 1980-01-01, used for all written members (reproducible output).
constexpr uint16_t kDosDate = (0 << 9) | (1 << 5) | 1;

//===----------------------------------------------------------------------===//
// Bounds-checked little-endian access
//===----------------------------------------------------------------------===//

/// A read-only byte range with bounds-checked little-endian loads.
class Bytes {
public:
  Bytes(const uint8_t *data, size_t size) : data(data), size(size) {}

  /// Returns true if [offset, offset + len) lies inside the range.
  bool contains(uint64_t offset, uint64_t len) const {
    return offset <= size && len <= size - offset;
  }
  /// Loads an unsigned little-endian integer of \p bytes bytes; the caller
  /// must have checked `contains(offset, bytes)`.
  uint64_t load(uint64_t offset, size_t bytes) const {
    uint64_t v = 0;
    for (size_t i = 0; i < bytes; ++i)
      v |= uint64_t(data[offset + i]) << (8 * i);
    return v;
  }
  uint16_t u16(uint64_t offset) const { return uint16_t(load(offset, 2)); }
  uint32_t u32(uint64_t offset) const { return uint32_t(load(offset, 4)); }
  uint64_t u64(uint64_t offset) const { return load(offset, 8); }

  const uint8_t *data;
  size_t size;
};

/// Location of the central directory, from the (ZIP64) EOCD record.
struct CentralDirectory {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint64_t entries = 0;
};

/// One member, as described by its central directory record.
struct ZipEntry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compSize = 0;
  uint64_t uncompSize = 0;
  uint64_t localOffset = 0;
};

//===----------------------------------------------------------------------===//
// End of central directory
//===----------------------------------------------------------------------===//

/// Scans backwards for the EOCD record whose comment ends inside the file.
bool findEocd(const Bytes &zip, uint64_t &eocd) {
  if (zip.size < kEocdSize)
    return false;
  uint64_t last = zip.size - kEocdSize;
  uint64_t first = last > kMaxCommentLen ? last - kMaxCommentLen : 0;
  for (uint64_t pos = last + 1; pos-- > first;) {
    if (zip.u32(pos) == kEocdSig &&
        pos + kEocdSize + zip.u16(pos + 20) <= zip.size) {
      eocd = pos;
      return true;
    }
  }
  return false;
}

/// Reads the ZIP64 EOCD record referenced by the locator preceding \p eocd.
std::string readZip64Eocd(const Bytes &zip, uint64_t eocd,
                          CentralDirectory &cd) {
  uint64_t locator = eocd - kZip64LocatorSize;
  if (zip.u32(locator + 4) != 0 || zip.u32(locator + 16) > 1)
    return "multi-disk archives are not supported";
  uint64_t record = zip.u64(locator + 8);
  if (!zip.contains(record, kZip64EocdSize) ||
      record + kZip64EocdSize > locator)
    return "truncated archive: ZIP64 end of central directory out of bounds";
  if (zip.u32(record) != kZip64EocdSig)
    return "corrupt archive: bad ZIP64 end of central directory signature";
  if (zip.u32(record + 16) != 0 || zip.u32(record + 20) != 0 ||
      zip.u64(record + 24) != zip.u64(record + 32))
    return "multi-disk archives are not supported";
  cd.entries = zip.u64(record + 32);
  cd.size = zip.u64(record + 40);
  cd.offset = zip.u64(record + 48);
  return "";
}

/// Locates the central directory via the (ZIP64) EOCD record.
std::string readEocd(const Bytes &zip, CentralDirectory &cd) {
  uint64_t eocd = 0;
  if (!findEocd(zip, eocd))
    return zip.size == 0
               ? "empty file is not a zip archive"
               : "not a zip archive or truncated (end of central directory "
                 "record not found)";
  if (zip.u16(eocd + 4) != 0 || zip.u16(eocd + 6) != 0 ||
      zip.u16(eocd + 8) != zip.u16(eocd + 10))
    return "multi-disk archives are not supported";
  cd.entries = zip.u16(eocd + 10);
  cd.size = zip.u32(eocd + 12);
  cd.offset = zip.u32(eocd + 16);
  if (eocd >= kZip64LocatorSize &&
      zip.u32(eocd - kZip64LocatorSize) == kZip64LocatorSig)
    return readZip64Eocd(zip, eocd, cd);
  return "";
}

//===----------------------------------------------------------------------===//
// Central directory
//===----------------------------------------------------------------------===//

/// Replaces the 0xFFFF... placeholders of \p entry by the values of the ZIP64
/// extra field found in [\p extra, \p extra + \p len). \p local selects the
/// local-header layout, which has no offset field.
std::string applyZip64Extra(const Bytes &zip, uint64_t extra, uint64_t len,
                            bool local, ZipEntry &entry) {
  uint64_t end = extra + len;
  for (uint64_t pos = extra; pos + 4 <= end;) {
    uint16_t id = zip.u16(pos), size = zip.u16(pos + 2);
    pos += 4;
    if (size > end - pos)
      return "corrupt archive: extra field overruns its record";
    if (id == kZip64ExtraId) {
      uint64_t field = pos, fieldEnd = pos + size;
      uint64_t *targets[] = {&entry.uncompSize, &entry.compSize,
                             local ? nullptr : &entry.localOffset};
      for (uint64_t *target : targets) {
        if (!target || *target != 0xFFFFFFFF)
          continue;
        if (field + 8 > fieldEnd)
          return "corrupt archive: ZIP64 extra field too short";
        *target = zip.u64(field);
        field += 8;
      }
      return "";
    }
    pos += size;
  }
  return "";
}

/// Parses the central directory record at \p pos into \p entry and advances
/// \p pos past it.
std::string readCentralEntry(const Bytes &zip, uint64_t cdEnd, uint64_t &pos,
                             ZipEntry &entry) {
  if (pos + kCentralSize > cdEnd)
    return "corrupt archive: central directory is truncated";
  if (zip.u32(pos) != kCentralSig)
    return "corrupt archive: bad central directory signature";
  entry.flags = zip.u16(pos + 8);
  entry.method = zip.u16(pos + 10);
  entry.crc = zip.u32(pos + 16);
  entry.compSize = zip.u32(pos + 20);
  entry.uncompSize = zip.u32(pos + 24);
  uint64_t nameLen = zip.u16(pos + 28), extraLen = zip.u16(pos + 30),
           commentLen = zip.u16(pos + 32);
  entry.localOffset = zip.u32(pos + 42);
  uint64_t name = pos + kCentralSize;
  pos = name + nameLen + extraLen + commentLen;
  if (pos > cdEnd)
    return "corrupt archive: central directory is truncated";
  entry.name.assign(reinterpret_cast<const char *>(zip.data + name), nameLen);
  return applyZip64Extra(zip, name + nameLen, extraLen, /*local=*/false, entry);
}

std::string readCentralDirectory(const Bytes &zip, const CentralDirectory &cd,
                                 std::vector<ZipEntry> &entries) {
  if (!zip.contains(cd.offset, cd.size))
    return "truncated archive: central directory out of bounds";
  if (cd.entries > cd.size / kCentralSize)
    return "corrupt archive: implausible entry count " +
           std::to_string(cd.entries);
  uint64_t pos = cd.offset, end = cd.offset + cd.size;
  entries.resize(size_t(cd.entries));
  for (ZipEntry &entry : entries)
    if (std::string err = readCentralEntry(zip, end, pos, entry); !err.empty())
      return err;
  return "";
}

//===----------------------------------------------------------------------===//
// Member extraction
//===----------------------------------------------------------------------===//

/// Checks the local header of \p entry against the central directory and
/// returns the offset of the member's data in \p dataOffset.
std::string locateData(const Bytes &zip, const ZipEntry &entry,
                       uint64_t &dataOffset) {
  uint64_t pos = entry.localOffset;
  if (!zip.contains(pos, kLocalSize))
    return "truncated archive: local header out of bounds";
  if (zip.u32(pos) != kLocalSig)
    return "corrupt archive: bad local header signature";
  uint64_t nameLen = zip.u16(pos + 26), extraLen = zip.u16(pos + 28);
  uint64_t name = pos + kLocalSize;
  if (!zip.contains(name, nameLen + extraLen))
    return "truncated archive: local header out of bounds";
  if (nameLen != entry.name.size() ||
      std::memcmp(zip.data + name, entry.name.data(), nameLen) != 0)
    return "corrupt archive: local header name does not match central "
           "directory";
  ZipEntry local;
  local.crc = zip.u32(pos + 14);
  local.compSize = zip.u32(pos + 18);
  local.uncompSize = zip.u32(pos + 22);
  if (std::string err = applyZip64Extra(zip, name + nameLen, extraLen,
                                        /*local=*/true, local);
      !err.empty())
    return err;
  if (!(zip.u16(pos + 6) & kFlagDataDescriptor) &&
      (local.crc != entry.crc || local.compSize != entry.compSize ||
       local.uncompSize != entry.uncompSize))
    return "corrupt archive: local header does not match central directory";
  dataOffset = name + nameLen + extraLen;
  if (!zip.contains(dataOffset, entry.compSize))
    return "truncated archive: member data out of bounds (expected " +
           std::to_string(entry.compSize) + " bytes at offset " +
           std::to_string(dataOffset) + ", archive has " +
           std::to_string(zip.size) + " bytes)";
  return "";
}

/// Inflates the raw DEFLATE stream [\p in, \p in + \p inSize) into \p out,
/// which must decompress to exactly \p outSize bytes. The buffer grows with
/// the data actually produced (doubling, up to the declared size), so a
/// member that declares more than it holds never allocates its claim.
std::string inflateRaw(const uint8_t *in, size_t inSize, size_t outSize,
                       std::vector<uint8_t> &out) {
  // One spare byte detects streams that decompress to more than declared.
  const size_t capacity = outSize + 1;
  // A start proportional to the compressed input (not to the claim): a
  // member whose claim is false never gets it.
  out.assign(std::min(capacity, std::max<size_t>(size_t(1) << 16, 4 * inSize)),
             0);
  z_stream zs;
  std::memset(&zs, 0, sizeof(zs));
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK)
    return "cannot initialize zlib";
  size_t inLeft = inSize;
  zs.next_in = const_cast<Bytef *>(in);
  int rc = Z_OK;
  while (rc == Z_OK) {
    if (zs.avail_in == 0 && inLeft > 0) {
      zs.avail_in = uInt(std::min(inLeft, kZlibChunk));
      inLeft -= zs.avail_in;
    }
    size_t produced = size_t(zs.total_out);
    if (produced == out.size() && out.size() < capacity)
      out.resize(std::min(capacity, out.size() * 2));
    size_t room = out.size() - produced;
    if (room == 0)
      break; // more than declared: reported below
    zs.next_out = out.data() + produced;
    zs.avail_out = uInt(std::min(room, kZlibChunk));
    rc = inflate(&zs, Z_NO_FLUSH);
  }
  uint64_t produced = zs.total_out;
  inflateEnd(&zs);
  if (produced > outSize)
    return "decompressed data exceeds the declared size of " +
           std::to_string(outSize) + " bytes";
  if (rc == Z_STREAM_END && produced != outSize)
    return "decompressed size mismatch (expected " + std::to_string(outSize) +
           " bytes, found " + std::to_string(produced) + ")";
  if (rc != Z_STREAM_END)
    return rc == Z_BUF_ERROR ? "truncated compressed data"
                             : "corrupt compressed data";
  out.resize(outSize);
  return "";
}

uint32_t crc32Of(const uint8_t *data, size_t size, uint32_t crc = 0) {
  for (size_t done = 0; done < size;) {
    size_t chunk = std::min(size - done, kZlibChunk);
    crc = uint32_t(crc32(crc, data + done, uInt(chunk)));
    done += chunk;
  }
  return crc;
}

std::string hex32(uint32_t value) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "0x%08x", value);
  return buf;
}

/// Extracts the uncompressed bytes of \p entry. For stored members \p bytes
/// points into the archive; otherwise into \p storage.
std::string extractEntry(const Bytes &zip, const ZipEntry &entry,
                         std::vector<uint8_t> &storage, const uint8_t *&bytes) {
  if (entry.flags & kFlagEncrypted)
    return "encrypted members are not supported";
  uint64_t dataOffset = 0;
  if (std::string err = locateData(zip, entry, dataOffset); !err.empty())
    return err;
  bytes = zip.data + dataOffset;
  if (entry.method == kMethodStored) {
    if (entry.compSize != entry.uncompSize)
      return "corrupt archive: stored member sizes differ";
  } else if (entry.method == kMethodDeflate) {
    if (entry.uncompSize > entry.compSize * kMaxDeflateRatio + 1024)
      return "corrupt archive: implausible uncompressed size " +
             std::to_string(entry.uncompSize);
    if (std::string err = inflateRaw(bytes, size_t(entry.compSize),
                                     size_t(entry.uncompSize), storage);
        !err.empty())
      return err;
    bytes = storage.data();
  } else {
    return "unsupported compression method " + std::to_string(entry.method);
  }
  uint32_t crc = crc32Of(bytes, size_t(entry.uncompSize));
  if (crc != entry.crc)
    return "CRC-32 mismatch (expected " + hex32(entry.crc) + ", computed " +
           hex32(crc) + ")";
  return "";
}

/// Returns the array key of member \p name, or an error if it is no .npy.
std::string keyOf(const std::string &name, std::string &key) {
  const std::string suffix = ".npy";
  if (name.size() < suffix.size() ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
    return "member '" + name + "' is not a .npy file";
  key = name.substr(0, name.size() - suffix.size());
  return "";
}

/// Reads all members of the in-memory archive \p zip; \p path prefixes
/// errors.
std::string readArchive(const std::string &path, const Bytes &zip,
                        std::map<std::string, Array> &out) {
  CentralDirectory cd;
  std::vector<ZipEntry> entries;
  std::string err = readEocd(zip, cd);
  if (err.empty())
    err = readCentralDirectory(zip, cd, entries);
  if (!err.empty())
    return path + ": " + err;
  std::map<std::string, Array> arrays;
  for (const ZipEntry &entry : entries) {
    std::string key;
    if (std::string keyErr = keyOf(entry.name, key); !keyErr.empty())
      return path + ": " + keyErr;
    std::string where = path + ": array '" + key + "'";
    if (arrays.count(key))
      return where + ": duplicate member";
    std::vector<uint8_t> storage;
    const uint8_t *bytes = nullptr;
    if (std::string entryErr = extractEntry(zip, entry, storage, bytes);
        !entryErr.empty())
      return where + ": " + entryErr;
    if (std::string npyErr = readNpyFromBuffer(
            where, bytes, size_t(entry.uncompSize), arrays[key]);
        !npyErr.empty())
      return npyErr;
  }
  out = std::move(arrays);
  return "";
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

/// A member to be written: its name, .npy preamble and payload.
struct PendingMember {
  std::string name;
  std::vector<uint8_t> preamble;
  const std::vector<uint8_t> *payload = nullptr;
  uint32_t crc = 0;
  uint32_t size = 0;
  uint32_t offset = 0;
  uint16_t flags = 0;
};

void put16(std::vector<uint8_t> &out, uint32_t value) {
  out.push_back(uint8_t(value));
  out.push_back(uint8_t(value >> 8));
}

void put32(std::vector<uint8_t> &out, uint32_t value) {
  put16(out, value & 0xFFFF);
  put16(out, value >> 16);
}

bool hasNonAscii(const std::string &str) {
  for (char c : str)
    if (static_cast<unsigned char>(c) >= 0x80)
      return true;
  return false;
}

/// Encodes every array and lays the members out, rejecting archives that
/// would need ZIP64.
std::string planMembers(const std::map<std::string, Array> &arrays,
                        std::vector<PendingMember> &members) {
  if (arrays.size() > 0xFFFF)
    return "too many arrays for a non-ZIP64 archive";
  uint64_t offset = 0;
  for (const auto &[key, array] : arrays) {
    PendingMember m;
    m.name = key + ".npy";
    std::string err = key.empty() ? "empty array key" : "";
    if (err.empty() && m.name.size() > 0xFFFF)
      err = "array key too long";
    if (err.empty())
      err = detail::validateArray(array);
    if (err.empty())
      err = detail::encodeNpyPreamble(array, m.preamble);
    if (!err.empty())
      return "array '" + key + "': " + err;
    uint64_t size = uint64_t(m.preamble.size()) + array.data.size();
    uint64_t next = offset + kLocalSize + m.name.size() + size;
    if (size >= 0xFFFFFFFF || next >= 0xFFFFFFFF)
      return "array '" + key +
             "': archive would exceed 4 GiB (ZIP64 writing "
             "is not supported)";
    m.payload = &array.data;
    m.crc = crc32Of(array.data.data(), array.data.size(),
                    crc32Of(m.preamble.data(), m.preamble.size()));
    m.size = uint32_t(size);
    m.offset = uint32_t(offset);
    m.flags = hasNonAscii(m.name) ? kFlagUtf8 : 0;
    offset = next;
    members.push_back(std::move(m));
  }
  return "";
}

/// Appends the fields shared by local and central headers, from "version
/// needed to extract" through the extra field length.
void putCommonFields(std::vector<uint8_t> &out, const PendingMember &m) {
  put16(out, 20); // Version needed: 2.0.
  put16(out, m.flags);
  put16(out, kMethodStored);
  put16(out, 0); // DOS time 00:00:00.
  put16(out, kDosDate);
  put32(out, m.crc);
  put32(out, m.size); // Compressed size.
  put32(out, m.size); // Uncompressed size.
  put16(out, uint32_t(m.name.size()));
  put16(out, 0); // Extra field length.
}

std::vector<uint8_t> localHeader(const PendingMember &m) {
  std::vector<uint8_t> out;
  put32(out, kLocalSig);
  putCommonFields(out, m);
  out.insert(out.end(), m.name.begin(), m.name.end());
  return out;
}

/// Builds the central directory and EOCD record for \p members, which end at
/// \p cdOffset.
std::vector<uint8_t> centralDirectory(const std::vector<PendingMember> &members,
                                      uint32_t cdOffset) {
  std::vector<uint8_t> out;
  for (const PendingMember &m : members) {
    put32(out, kCentralSig);
    put16(out, (3 << 8) | 20); // Made by: Unix, zip 2.0.
    putCommonFields(out, m);
    put16(out, 0);                       // Comment length.
    put16(out, 0);                       // Disk number start.
    put16(out, 0);                       // Internal attributes.
    put32(out, uint32_t(0100644) << 16); // External: regular file, rw-r--r--.
    put32(out, m.offset);
    out.insert(out.end(), m.name.begin(), m.name.end());
  }
  uint32_t cdSize = uint32_t(out.size());
  put32(out, kEocdSig);
  put16(out, 0); // This disk.
  put16(out, 0); // Disk with the central directory.
  put16(out, uint32_t(members.size()));
  put16(out, uint32_t(members.size()));
  put32(out, cdSize);
  put32(out, cdOffset);
  put16(out, 0); // Comment length.
  return out;
}

std::string writeMembers(std::FILE *file,
                         const std::vector<PendingMember> &members) {
  uint64_t offset = 0;
  for (const PendingMember &m : members) {
    std::vector<uint8_t> header = localHeader(m);
    if (!detail::writeBytes(file, header.data(), header.size()) ||
        !detail::writeBytes(file, m.preamble.data(), m.preamble.size()) ||
        !detail::writeBytes(file, m.payload->data(), m.payload->size()))
      return std::string("write error: ") + std::strerror(errno);
    offset += header.size() + m.size;
  }
  std::vector<uint8_t> cd = centralDirectory(members, uint32_t(offset));
  if (offset + cd.size() >= 0xFFFFFFFF)
    return "archive would exceed 4 GiB (ZIP64 writing is not supported)";
  if (!detail::writeBytes(file, cd.data(), cd.size()))
    return std::string("write error: ") + std::strerror(errno);
  return "";
}

} // namespace

std::string lp::npy::readNpz(const std::string &path,
                             std::map<std::string, Array> &out) {
  std::vector<uint8_t> bytes;
  if (std::string err = detail::readFileBytes(path, bytes); !err.empty())
    return err;
  return readArchive(path, Bytes(bytes.data(), bytes.size()), out);
}

std::string lp::npy::readNpzFromBuffer(const std::string &name,
                                       const uint8_t *data, size_t size,
                                       std::map<std::string, Array> &out) {
  if (!data && size != 0)
    return name + ": null buffer";
  static const uint8_t empty = 0;
  return readArchive(name, Bytes(data ? data : &empty, size), out);
}

std::string lp::npy::writeNpz(const std::string &path,
                              const std::map<std::string, Array> &arrays) {
  std::vector<PendingMember> members;
  if (std::string err = planMembers(arrays, members); !err.empty())
    return path + ": " + err;
  return detail::writeFileAtomic(
      path, [&](std::FILE *file) { return writeMembers(file, members); });
}
