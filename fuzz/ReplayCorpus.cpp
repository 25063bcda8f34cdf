//===- ReplayCorpus.cpp - run a fuzz target over committed inputs ---------===//
//
// `lp-fuzz-replay-<target> DIR...` calls LLVMFuzzerTestOneInput once on
// every regular file under each DIR, in sorted order, and prints how many
// it ran: the deterministic replay of the fuzzing corpus and of every
// reproducer (fuzz/corpus/), run by ctest. Each input's path goes to
// stderr before it runs, so a crash names its input; what the target
// prints on stdout (a pass's report) is discarded: the summary goes
// to stderr too. A crash fails the test.
//
//===----------------------------------------------------------------------===//

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <unistd.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(argv[i], ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file())
        files.push_back(it->path());
    if (ec) {
      std::fprintf(stderr, "lp-fuzz-replay: %s: %s\n", argv[i],
                   ec.message().c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (int null = open("/dev/null", O_WRONLY); null >= 0) {
    dup2(null, 1);
    close(null);
  }
  for (const fs::path &file : files) {
    std::fprintf(stderr, "%s\n", file.c_str());
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  }
  std::fprintf(stderr, "replayed %zu inputs from", files.size());
  for (int i = 1; i < argc; ++i)
    std::fprintf(stderr, " %s", argv[i]);
  std::fprintf(stderr, ": 0 crashes\n");
  return files.empty() ? 1 : 0;
}
