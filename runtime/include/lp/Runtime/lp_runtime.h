/*===- lp_runtime.h - the LP runtime's C API -------------------*- C -*-===//
 *
 * Load a compiled step (a shared object compiled ahead of time), read its
 * calling convention and call it, from C or any language with a C FFI.
 * Errors are returned as malloc'ed strings that the caller frees with
 * lp_free_error; functions that can fail return NULL or non-zero then.
 * A step's shared object resolves the functions lowered code calls
 * (memrefCopy, cblas_sgemm, the allocation hooks) against this library:
 * link it, or dlopen it with RTLD_GLOBAL (Python: ctypes.CDLL(path,
 * mode=ctypes.RTLD_GLOBAL)) before opening a step.
 *
 *===------------------------------------------------------------------===*/

#ifndef LP_RUNTIME_LP_RUNTIME_H
#define LP_RUNTIME_LP_RUNTIME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct lp_code lp_code; /* compiled code: symbols by name */
typedef struct lp_step lp_step; /* one function and its signature */

/* Opens a shared object that lp-translate --lp-to-object + cc -shared made. */
lp_code *lp_code_open(const char *path, char **error);
void lp_code_close(lp_code *code);

/* Finds `function` (its lp_signature_<function> and entry point). */
lp_step *lp_step_load(lp_code *code, const char *function, char **error);
/* Frees the step, and the large buffers the runtime keeps between calls
   (BufferCache.h). */
void lp_step_free(lp_step *step);

/* The calling convention, as the JSON document the compiler embedded. */
const char *lp_step_signature_json(const lp_step *step);
int64_t lp_step_num_args(const lp_step *step);
/* The results returned through out-parameters (not updated in place). */
int64_t lp_step_num_out_results(const lp_step *step);

/* Calls the step: args[i] points to argument i's dense row-major elements,
 * outs[j] to room for the j-th out-parameter result. Arguments are not
 * checked: validate them against the signature first. Non-zero, with
 * *error set, when a step compiled for a GPU fails there. */
int lp_step_call(const lp_step *step, void *const *args, void *const *outs,
                 char **error);

/* Waits for the GPU work called so far (every step's kernels and the
 * runtime's products, lp_cuda_sgemm and the others, run in order on one
 * stream). Non-zero, with *error set, for the first error since the last
 * call or step: no CUDA driver, no GPU, a failed launch or product. */
int lp_cuda_synchronize(char **error);

void lp_free_error(char *error);

#ifdef __cplusplus
}
#endif

#endif /* LP_RUNTIME_LP_RUNTIME_H */
