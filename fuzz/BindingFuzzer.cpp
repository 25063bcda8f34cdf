//===- BindingFuzzer.cpp - fuzz target: lp-run's data binding -------------===//
//
// libFuzzer entry point (scripts/fuzz.sh) and the body of the corpus
// replay test (ReplayCorpus.cpp). An input is a signature document (the
// JSON a compiled step carries, which the runtime binds by), a NUL byte,
// and an .npz archive. The archive is written to a file and given to what
// lp-run does with --data, --eval-data, --params and --random-inputs
// before anything runs: the training-data check (names, dtypes, shapes,
// batch size, label ranges), the fixed inputs of gradient accumulation,
// and argument binding from the data and parameter files or from the
// initialisers. Errors are expected; a crash, a sanitizer report or a hang
// is a defect.
//
// Harness limit: a signature whose arguments and results exceed 64 MiB is
// skipped (lp-run itself checks the machine's memory, and the fuzzer's
// memory limit would report the allocation as a failure).
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Signature.h"
#include "lp/Runtime/Trainer.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

/// One scratch file per process for the archive.
const std::string &scratchFile() {
  static std::string path = [] {
    const char *dir = std::getenv("TMPDIR");
    std::string p =
        std::string(dir && *dir ? dir : "/tmp") + "/lp-binding-fuzz-XXXXXX";
    int fd = mkstemp(p.data());
    if (fd >= 0)
      close(fd);
    std::atexit([] { std::remove(scratchFile().c_str()); });
    return p;
  }();
  return path;
}

uint64_t totalBytes(const lp::rt::Signature &sig) {
  uint64_t total = 0;
  for (const auto *slots : {&sig.args, &sig.results})
    for (const lp::rt::TensorSlot &slot : *slots)
      total += uint64_t(slot.numElements()) * lp::npy::dtypeSize(slot.dtype);
  return total;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const void *nul = std::memchr(data, 0, size);
  if (!nul)
    return 0;
  size_t jsonSize = static_cast<const uint8_t *>(nul) - data;
  lp::rt::Signature sig;
  std::string json(reinterpret_cast<const char *>(data), jsonSize);
  if (!lp::rt::parseSignature(json, sig).empty() ||
      totalBytes(sig) > (uint64_t(64) << 20))
    return 0;

  const std::string &file = scratchFile();
  if (FILE *f = std::fopen(file.c_str(), "wb")) {
    std::fwrite(data + jsonSize + 1, 1, size - jsonSize - 1, f);
    std::fclose(f);
  } else {
    return 0;
  }

  lp::rt::TrainOptions train;
  train.dataFile = file;
  train.evalFile = file;
  (void)lp::rt::checkTrainingData(sig, train);
  std::vector<std::string> fixed;
  (void)lp::rt::fixedInputs(sig, file, fixed);

  std::vector<lp::npy::Array> args;
  lp::rt::RunOptions run;
  run.dataFile = file;
  run.paramsFile = file;
  (void)lp::rt::bindArguments(sig, run, args);
  args.clear();
  lp::rt::RunOptions random;
  random.randomInputs = true;
  random.seed = size;
  (void)lp::rt::bindArguments(sig, random, args);
  return 0;
}
