//===- Session.cpp - a train step and its state, batch by batch -----------===//

#include "lp/Runtime/Session.h"
#include "TrainState.h"
#include "lp/Runtime/Values.h"

#include <algorithm>
#include <chrono>
#include <cstring>

using namespace lp;
using namespace lp::rt;

std::string Session::init(const Step &stepFn, const Step *evalFn, uint64_t seed,
                          const std::string &paramsFile) {
  step = &stepFn;
  eval = evalFn;
  arrays.clear();
  TrainOptions opts;
  opts.seed = seed;
  opts.paramsFile = paramsFile;
  return detail::loadState(step->signature(), opts, arrays);
}

std::string Session::call(bool evalFn,
                          const std::map<std::string, BatchArray> &batch,
                          std::vector<npy::Array> &results) {
  auto start = std::chrono::steady_clock::now();
  struct Timed {
    std::chrono::steady_clock::time_point start;
    double &seconds;
    ~Timed() {
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                              start)
                    .count();
    }
  } timed{start, lastSeconds};
  const Step *fn = evalFn ? eval : step;
  if (!fn)
    return "this step has no eval function";
  const Signature &sig = fn->signature();
  std::vector<void *> args;
  size_t bound = 0; // batch arrays the signature reads
  for (const TensorSlot &slot : sig.args) {
    if (!slot.isBatch()) {
      auto it = arrays.find(slot.name);
      if (it == arrays.end())
        return "'" + sig.function + "' reads '" + slot.name +
               "', which is not state of the train step";
      args.push_back(it->second.data.data());
      continue;
    }
    auto it = batch.find(slot.name);
    if (it == batch.end())
      return "the batch has no '" + slot.name + "' (" + roleName(slot.role) +
             " " + npy::dtypeName(slot.dtype) + " " + shapeText(slot.shape) +
             ") that '" + sig.function + "' reads";
    const BatchArray &a = it->second;
    if (std::string e = checkArgument(slot, a.dtype, a.shape, a.data, "batch");
        !e.empty())
      return e;
    args.push_back(const_cast<void *>(a.data));
    ++bound;
  }
  if (bound != batch.size()) // some name is none of the signature's
    for (const auto &entry : batch)
      if (std::none_of(sig.args.begin(), sig.args.end(),
                       [&](const TensorSlot &slot) {
                         return slot.isBatch() && slot.name == entry.first;
                       }))
        return "the batch has '" + entry.first +
               "', which is not an input or label of '" + sig.function + "'";
  if (std::string e = fn->call(args, results); !e.empty())
    return e;
  // A step's state results back into their arrays (in place ones are
  // there); eval's are not kept (PyTorch's eval mode, lp-run's evaluation).
  for (size_t i = 0; i < sig.results.size() && !evalFn; ++i)
    if (auto it = arrays.find(sig.results[i].name);
        it != arrays.end() && sig.isOutParam(i))
      std::memcpy(it->second.data.data(), results[i].data.data(),
                  results[i].data.size());
  return "";
}

std::string Session::save(const std::string &file) const {
  return detail::saveState(step->signature(), arrays, file);
}

std::string Session::load(const std::string &file) {
  std::map<std::string, npy::Array> loaded;
  TrainOptions opts;
  opts.resumeFile = file;
  if (std::string e = detail::loadState(step->signature(), opts, loaded);
      !e.empty())
    return e;
  // Into the arrays the caller may hold views of.
  for (auto &[name, array] : loaded)
    std::memcpy(arrays.at(name).data.data(), array.data.data(),
                array.data.size());
  return "";
}
