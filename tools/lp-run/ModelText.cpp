//===- ModelText.cpp - read lp-run's model text ---------------------------===//

#include "ModelText.h"

#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/FileSystem.h"

#include <cstdio>

/// The largest model text lp-run reads (a file or standard input).
static constexpr uint64_t kMaxModelBytes = uint64_t(1) << 30;

std::unique_ptr<llvm::MemoryBuffer> lp::readModel(const std::string &path,
                                                  std::string &error) {
  if (path != "-") {
    llvm::sys::fs::file_status st;
    if (!llvm::sys::fs::status(path, st)) {
      if (st.type() != llvm::sys::fs::file_type::regular_file) {
        error = path + ": not a regular file";
        return nullptr;
      }
      if (st.getSize() > kMaxModelBytes) {
        error = path + ": the model is larger than 1 GiB";
        return nullptr;
      }
    }
    return mlir::openInputFile(path, &error);
  }
  std::string text;
  char chunk[1 << 16];
  while (size_t n = std::fread(chunk, 1, sizeof chunk, stdin)) {
    text.append(chunk, n);
    if (text.size() > kMaxModelBytes) {
      error = "<stdin>: the model is larger than 1 GiB";
      return nullptr;
    }
  }
  return llvm::MemoryBuffer::getMemBufferCopy(text, "<stdin>");
}
