//===- CApi.cpp - the LP runtime's C API ----------------------------------===//

#include "lp/Runtime/BufferCache.h"
#include "lp/Runtime/Cuda.h"
#include "lp/Runtime/Step.h"
#include "lp/Runtime/lp_runtime.h"

#include <cstdlib>
#include <cstring>

using namespace lp::rt;

struct lp_code {
  std::unique_ptr<SharedObject> object;
};
struct lp_step {
  Step step;
};

static void setError(char **error, const std::string &message) {
  if (error)
    *error = strdup(message.c_str());
}

lp_code *lp_code_open(const char *path, char **error) {
  std::string message;
  auto object = SharedObject::open(path, message);
  if (!object) {
    setError(error, message);
    return nullptr;
  }
  return new lp_code{std::move(object)};
}

void lp_code_close(lp_code *code) { delete code; }

lp_step *lp_step_load(lp_code *code, const char *function, char **error) {
  auto result = std::make_unique<lp_step>();
  std::string message = Step::load(*code->object, function, result->step);
  if (!message.empty()) {
    setError(error, message);
    return nullptr;
  }
  return result.release();
}

void lp_step_free(lp_step *step) {
  delete step;
  // No step may run for a while: the cached buffers go back to the system.
  lp::rt::buffers::trim();
}

const char *lp_step_signature_json(const lp_step *step) {
  return step->step.signatureText().c_str();
}

int64_t lp_step_num_args(const lp_step *step) {
  return int64_t(step->step.signature().args.size());
}

int64_t lp_step_num_out_results(const lp_step *step) {
  return int64_t(step->step.signature().numOutParams());
}

int lp_step_call(const lp_step *step, void *const *args, void *const *outs,
                 char **error) {
  std::string e = step->step.callInto(
      std::vector<void *>(args, args + lp_step_num_args(step)),
      std::vector<void *>(outs, outs + lp_step_num_out_results(step)));
  if (e.empty())
    return 0;
  setError(error, e);
  return 1;
}

int lp_cuda_synchronize(char **error) {
  std::string e = lp::rt::cuda::synchronize();
  if (e.empty())
    return 0;
  setError(error, e);
  return 1;
}

void lp_free_error(char *error) { free(error); }
