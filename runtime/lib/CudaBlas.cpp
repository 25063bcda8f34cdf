//===- CudaBlas.cpp - products of a GPU step through cuBLASLt -------------===//
//
// lp_cuda_sgemm, lp_cuda_gemm_bf16 and lp_cuda_gemm_f16 take cblas_sgemm's
// arguments (row major; the 16-bit ones read A and B of that type, C is
// f32) with device pointers, and run on the step's stream through
// cuBLASLt, loaded with dlopen like the driver (`libcublasLt.so.13`, or
// the library $LP_CUBLASLT names). lp-linalg-to-blas{cuda} emits the calls
// (lp-lower-to-nvvm matmul=cublaslt). f32 products compute in f32
// (CUBLAS_COMPUTE_32F: no TF32). A row-major C = op(A) op(B) is the
// column-major C^T = op(B)^T op(A)^T, so B is passed as cuBLASLt's A.
// Descriptors are created once per shape and kept. lp_cuda_sgemm_bias adds
// a bias row in the product's kernel (CUBLASLT_EPILOGUE_BIAS).
//
//===----------------------------------------------------------------------===//

#include "CudaApi.h"

#include <dlfcn.h>

#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>

using namespace lp::rt;
using namespace lp::rt::cuda;

namespace {

// Values from CUDA 13's cublasLt.h, library_types.h and cublas_api.h.
constexpr int kComputeF32 = 68;                  // CUBLAS_COMPUTE_32F
constexpr int kR32F = 0, kR16F = 2, kR16BF = 14; // cudaDataType
constexpr int kDescTransA = 3, kDescTransB = 4;  // CUBLASLT_MATMUL_DESC_*
constexpr int kDescEpilogue = 7, kDescBiasPointer = 8;
constexpr uint32_t kEpilogueBias = 4;            // CUBLASLT_EPILOGUE_BIAS
constexpr int kSuccess = 0;                      // CUBLAS_STATUS_SUCCESS

using Handle = void *;
using Desc = void *;
using Layout = void *;

struct Lt {
  int (*create)(Handle *);
  const char *(*statusName)(int);
  int (*descCreate)(Desc *, int, int);
  int (*descSetAttribute)(Desc, int, const void *, size_t);
  int (*layoutCreate)(Layout *, int, uint64_t, uint64_t, int64_t);
  int (*descDestroy)(Desc);
  int (*layoutDestroy)(Layout);
  int (*matmul)(Handle, Desc, const void *, const void *, Layout, const void *,
                Layout, const void *, const void *, Layout, void *, Layout,
                const void *, void *, size_t, CUstream);
  Handle handle = nullptr;
  std::string error; ///< why cuBLASLt is not there
};

const Lt *lt() {
  static std::once_flag once;
  static Lt l;
  std::call_once(once, [] {
    const char *env = std::getenv("LP_CUBLASLT");
    std::string path = env && *env ? env : "libcublasLt.so.13";
    void *h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
      const char *why = dlerror();
      l.error = "no cuBLASLt: " + std::string(why ? why : path.c_str());
      return;
    }
    auto get = [&](auto &fn, const char *name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(
          dlsym(h, name));
      if (!fn && l.error.empty())
        l.error = "no cuBLASLt: " + path + " has no " + name;
    };
    get(l.create, "cublasLtCreate");
    get(l.statusName, "cublasLtGetStatusName");
    get(l.descCreate, "cublasLtMatmulDescCreate");
    get(l.descSetAttribute, "cublasLtMatmulDescSetAttribute");
    get(l.layoutCreate, "cublasLtMatrixLayoutCreate");
    get(l.descDestroy, "cublasLtMatmulDescDestroy");
    get(l.layoutDestroy, "cublasLtMatrixLayoutDestroy");
    get(l.matmul, "cublasLtMatmul");
    if (l.error.empty())
      if (int s = l.create(&l.handle); s != kSuccess)
        l.error = "cublasLtCreate failed: " + std::string(l.statusName(s));
  });
  if (!l.error.empty()) {
    recordError(l.error);
    return nullptr;
  }
  return &l;
}

/// One product's descriptors.
struct Plan {
  Desc desc = nullptr;
  Layout a = nullptr, b = nullptr, c = nullptr;
};

using Key =
    std::tuple<int, int, int, int, int, int, int, int, int, const float *>;

/// The descriptors of a product of `type` inputs, made once per shape and
/// bias vector (a parameter's, whose device buffer lives as long as the
/// step: one plan per layer); null after a recorded failure.
const Plan *plan(const Lt &l, int type, bool ta, bool tb, int m, int n, int k,
                 int lda, int ldb, int ldc, const float *bias) {
  static std::mutex mutex;
  static std::map<Key, Plan> plans;
  std::lock_guard<std::mutex> lock(mutex);
  Key key{type, ta, tb, m, n, k, lda, ldb, ldc, bias};
  if (auto it = plans.find(key); it != plans.end())
    return &it->second;
  Plan p;
  // A failure records its error and destroys what was made (the next
  // call tries again: a plan is kept only once it is whole).
  auto check = [&](int s, const char *what) {
    if (s == kSuccess)
      return true;
    recordError(std::string(what) + " failed: " + l.statusName(s));
    for (Layout layout : {p.a, p.b, p.c})
      if (layout)
        l.layoutDestroy(layout);
    if (p.desc)
      l.descDestroy(p.desc);
    return false;
  };
  // cuBLASLt's A is the row-major B, its B the row-major A (above).
  int opA = tb, opB = ta;
  if (!check(l.descCreate(&p.desc, kComputeF32, kR32F),
             "cublasLtMatmulDescCreate") ||
      !check(l.descSetAttribute(p.desc, kDescTransA, &opA, sizeof opA),
             "cublasLtMatmulDescSetAttribute") ||
      !check(l.descSetAttribute(p.desc, kDescTransB, &opB, sizeof opB),
             "cublasLtMatmulDescSetAttribute") ||
      !check(l.layoutCreate(&p.a, type, tb ? k : n, tb ? n : k, ldb),
             "cublasLtMatrixLayoutCreate") ||
      !check(l.layoutCreate(&p.b, type, ta ? m : k, ta ? k : m, lda),
             "cublasLtMatrixLayoutCreate") ||
      !check(l.layoutCreate(&p.c, kR32F, n, m, ldc),
             "cublasLtMatrixLayoutCreate"))
    return nullptr;
  // The bias of each row-major column: a row of cuBLASLt's column-major
  // C^T, the vector CUBLASLT_EPILOGUE_BIAS broadcasts (f32, C's type).
  if (bias &&
      (!check(l.descSetAttribute(p.desc, kDescEpilogue, &kEpilogueBias,
                                 sizeof kEpilogueBias),
              "cublasLtMatmulDescSetAttribute") ||
       !check(l.descSetAttribute(p.desc, kDescBiasPointer, &bias, sizeof bias),
              "cublasLtMatmulDescSetAttribute")))
    return nullptr;
  return &(plans[key] = p);
}

constexpr int kCblasTrans = 112; // CblasTrans; CblasNoTrans is 111

void gemm(int type, int transA, int transB, int m, int n, int k, float alpha,
          const void *a, int lda, const void *b, int ldb, float beta, float *c,
          int ldc, const float *bias = nullptr) {
  if (m == 0 || n == 0)
    return;
  const Lt *l = lt();
  CUstream stream = stepStream();
  if (!l || !stream)
    return;
  const Plan *p = plan(*l, type, transA == kCblasTrans, transB == kCblasTrans,
                       m, n, k, lda, ldb, ldc, bias);
  if (!p)
    return;
  if (int s = l->matmul(l->handle, p->desc, &alpha, b, p->a, a, p->b, &beta, c,
                        p->c, c, p->c, nullptr, nullptr, 0, stream);
      s != kSuccess)
    recordError(std::string("cublasLtMatmul failed: ") + l->statusName(s));
}

} // namespace

#define LP_EXPORT extern "C" __attribute__((visibility("default")))

/// cblas_sgemm's arguments (the order argument is always row major).
LP_EXPORT void lp_cuda_sgemm(int /*order*/, int ta, int tb, int m, int n, int k,
                             float alpha, const float *a, int lda,
                             const float *b, int ldb, float beta, float *c,
                             int ldc) {
  gemm(kR32F, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/// lp_cuda_sgemm, then bias[j] added to every row's column j, in the
/// product's kernel (lp-linalg-to-blas{cuda}'s bias epilogue; the CPU's
/// lp_sgemm_bias).
LP_EXPORT void lp_cuda_sgemm_bias(int /*order*/, int ta, int tb, int m, int n,
                                  int k, float alpha, const float *a, int lda,
                                  const float *b, int ldb, float beta, float *c,
                                  int ldc, const float *bias) {
  gemm(kR32F, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, bias);
}

LP_EXPORT void lp_cuda_gemm_bf16(int /*order*/, int ta, int tb, int m, int n,
                                 int k, float alpha, const void *a, int lda,
                                 const void *b, int ldb, float beta, float *c,
                                 int ldc) {
  gemm(kR16BF, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

LP_EXPORT void lp_cuda_gemm_f16(int /*order*/, int ta, int tb, int m, int n,
                                int k, float alpha, const void *a, int lda,
                                const void *b, int ldb, float beta, float *c,
                                int ldc) {
  gemm(kR16F, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void lp::rt::cuda::appendBlasSymbols(std::vector<HostSymbol> &symbols) {
  symbols.push_back(
      {"lp_cuda_sgemm", reinterpret_cast<void *>(&lp_cuda_sgemm)});
  symbols.push_back(
      {"lp_cuda_sgemm_bias", reinterpret_cast<void *>(&lp_cuda_sgemm_bias)});
  symbols.push_back(
      {"lp_cuda_gemm_bf16", reinterpret_cast<void *>(&lp_cuda_gemm_bf16)});
  symbols.push_back(
      {"lp_cuda_gemm_f16", reinterpret_cast<void *>(&lp_cuda_gemm_f16)});
}
