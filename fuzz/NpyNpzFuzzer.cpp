//===- NpyNpzFuzzer.cpp - fuzz target: the .npy and .npz readers ----------===//
//
// libFuzzer entry point (scripts/fuzz.sh builds it with clang's
// -fsanitize=fuzzer,address,undefined) and the body of the corpus replay
// test (ReplayCorpus.cpp, built by the project's CMake with any compiler):
// every input is read both as an .npy file and as an .npz archive. Errors
// are expected; a crash, a sanitizer report or a hang is a defect.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Npy.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  lp::npy::Array array;
  (void)lp::npy::readNpyFromBuffer("fuzz.npy", data, size, array);
  std::map<std::string, lp::npy::Array> arrays;
  (void)lp::npy::readNpzFromBuffer("fuzz.npz", data, size, arrays);
  return 0;
}
