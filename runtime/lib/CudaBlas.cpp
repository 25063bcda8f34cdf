//===- CudaBlas.cpp - products of a GPU step through cuBLASLt -------------===//
//
// lp_cuda_sgemm, lp_cuda_gemm_bf16 and lp_cuda_gemm_f16 take cblas_sgemm's
// arguments (row major; the 16-bit ones read A and B of that type, C is
// f32) with device pointers, and run on the step's stream through
// cuBLASLt, loaded with dlopen like the driver (`libcublasLt.so.13`, or
// the library $LP_CUBLASLT names). lp-linalg-to-blas{cuda} emits the calls
// (lp-lower-to-nvvm matmul=cublaslt). f32 products compute in f32
// (CUBLAS_COMPUTE_32F: no TF32) unless setAllowTf32 (--allow-tf32). A row-major
// C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T, so B is passed as
// cuBLASLt's A. Each shape's descriptors and algorithm (cuBLASLt's heuristic,
// given a workspace of kWorkspaceBytes allocated once) are chosen on its first
// call and kept. The training epilogues: lp_cuda_sgemm_bias adds a bias
// row in the product's kernel (CUBLASLT_EPILOGUE_BIAS); lp_cuda_sgemm_bgrad
// (and the 16-bit _bgrad ones) also writes the column sums of op(B) in f32,
// a bias gradient
// (CUBLASLT_EPILOGUE_BGRADA: the row-major B is cuBLASLt's A), or, where
// cuBLASLt has no algorithm with that epilogue, computes them as a second
// product, a row of ones times op(B).
//
//===----------------------------------------------------------------------===//

#include "CublasLtAbi.h"
#include "CudaApi.h"
#include "lp/Runtime/Cuda.h"

#include <dlfcn.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <map>
#include <mutex>
#include <tuple>

using namespace lp::rt;
using namespace lp::rt::cuda;
using namespace lp::rt::cublaslt;

extern "C" void *lp_cuda_alloc(uint64_t bytes);
extern "C" void lp_cuda_free(void *ptr);

namespace {

/// cuBLAS's recommendation for Hopper (4 MiB suffice before it).
constexpr size_t kWorkspaceBytes = 32u << 20;

using Handle = void *;
using Desc = void *;
using Layout = void *;
using Preference = void *;

/// Whether f32 products may use TF32 (setAllowTf32).
std::atomic<bool> allowTf32{false};

/// What a product does after the multiply-add.
enum class Epilogue { None, Bias, BiasGrad };

/// A strided batch of products: `count` of them, the operands of each
/// `a`, `b`, `c` elements after the previous one's.
struct Batch {
  int count = 1;
  int64_t a = 0, b = 0, c = 0;
};

struct Lt {
  int (*create)(Handle *);
  const char *(*statusName)(int);
  int (*descCreate)(Desc *, int, int);
  int (*descSetAttribute)(Desc, int, const void *, size_t);
  int (*layoutCreate)(Layout *, int, uint64_t, uint64_t, int64_t);
  int (*layoutSetAttribute)(Layout, int, const void *, size_t);
  int (*descDestroy)(Desc);
  int (*layoutDestroy)(Layout);
  int (*matmul)(Handle, Desc, const void *, const void *, Layout, const void *,
                Layout, const void *, const void *, Layout, void *, Layout,
                const void *, void *, size_t, CUstream);
  int (*prefCreate)(Preference *);
  int (*prefSetAttribute)(Preference, int, const void *, size_t);
  int (*prefDestroy)(Preference);
  int (*algoGetHeuristic)(Handle, Desc, Layout, Layout, Layout, Layout,
                          Preference, int, HeuristicResult *, int *);
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
    get(l.layoutSetAttribute, "cublasLtMatrixLayoutSetAttribute");
    get(l.descDestroy, "cublasLtMatmulDescDestroy");
    get(l.layoutDestroy, "cublasLtMatrixLayoutDestroy");
    get(l.matmul, "cublasLtMatmul");
    get(l.prefCreate, "cublasLtMatmulPreferenceCreate");
    get(l.prefSetAttribute, "cublasLtMatmulPreferenceSetAttribute");
    get(l.prefDestroy, "cublasLtMatmulPreferenceDestroy");
    get(l.algoGetHeuristic, "cublasLtMatmulAlgoGetHeuristic");
    if (l.error.empty())
      if (int s = l.create(&l.handle); s != kStatusSuccess)
        l.error = "cublasLtCreate failed: " + std::string(l.statusName(s));
  });
  if (!l.error.empty()) {
    recordError(l.error);
    return nullptr;
  }
  return &l;
}

/// One product's descriptors and algorithm. `supported` is false when
/// cuBLASLt has no algorithm for it (the descriptors are then destroyed).
struct Plan {
  Desc desc = nullptr;
  Layout a = nullptr, b = nullptr, c = nullptr;
  HeuristicResult choice{};
  bool supported = true;
};

/// The alignments (bytes, a power of two up to 256) of a product's
/// operands as cuBLASLt names them (A is the row-major B) and of its
/// epilogue's vector: cuBLASLt's algorithms need some, and a plan's
/// algorithm is chosen for them.
struct Alignments {
  uint32_t a, b, c, vector;
};

/// Bytes per element of A and B in a product of `type` (f32, bf16 or f16).
int elementBytes(int type) { return type == kR32F ? 4 : 2; }

uint32_t alignmentOf(const void *p) {
  auto address = reinterpret_cast<uintptr_t>(p);
  uint32_t bytes = 256;
  while (bytes > 1 && address % bytes)
    bytes /= 2;
  return bytes;
}

using Key = std::tuple<int, int, int, int, int, int, int, int, int, int,
                       uint32_t, uint32_t, uint32_t, uint32_t, int, int64_t,
                       int64_t, int64_t, int>;

/// The workspace every product may use (one stream runs them in turn),
/// allocated on the first product; null, and the products use none, if
/// the driver could not (not an error: it only narrows the algorithms).
void *workspace() {
  static std::once_flag once;
  static void *w = nullptr;
  std::call_once(once, [] {
    const Api *a = api();
    CUdeviceptr p = 0;
    if (a && stepStream() &&
        a->memAllocAsync(&p, kWorkspaceBytes, stepStream()) == kSuccess)
      w = reinterpret_cast<void *>(static_cast<uintptr_t>(p));
  });
  return w;
}

/// The descriptors and algorithm of a product of `type` inputs with
/// `epilogue`, made once per shape and operands' alignments (the
/// epilogue's vector is set on each call: a gradient's buffer may move
/// between steps); null after a recorded failure. A plan whose
/// bias-gradient epilogue cuBLASLt has no algorithm for is kept,
/// unsupported; for any other product that is an error. The caller holds
/// the products' lock.
Plan *plan(const Lt &l, int type, bool ta, bool tb, int m, int n, int k,
           int lda, int ldb, int ldc, Epilogue epilogue, const float *vector,
           const Alignments &align, const Batch &batch) {
  static std::map<Key, Plan> plans;
  int compute = type == kR32F && allowTf32 ? kComputeF32FastTf32 : kComputeF32;
  Key key{type,        ta,
          tb,          m,
          n,           k,
          lda,         ldb,
          ldc,         int(epilogue),
          align.a,     align.b,
          align.c,     align.vector,
          batch.count, batch.a,
          batch.b,     batch.c,
          compute};
  if (auto it = plans.find(key); it != plans.end())
    return &it->second;
  Plan p;
  auto destroy = [&] {
    for (Layout layout : {p.a, p.b, p.c})
      if (layout)
        l.layoutDestroy(layout);
    if (p.desc)
      l.descDestroy(p.desc);
  };
  // A failure records its error and destroys what was made (the next
  // call tries again: a plan is kept only once it is whole).
  auto check = [&](int s, const char *what) {
    if (s == kStatusSuccess)
      return true;
    recordError(std::string(what) + " failed: " + l.statusName(s));
    destroy();
    return false;
  };
  // cuBLASLt's A is the row-major B, its B the row-major A (above).
  int opA = tb, opB = ta;
  if (!check(l.descCreate(&p.desc, compute, kR32F),
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
  // A strided batch: each layout's count and stride (cuBLASLt's A is the
  // row-major B).
  if (batch.count > 1)
    for (auto [layout, stride] :
         {std::pair{p.a, batch.b}, std::pair{p.b, batch.a},
          std::pair{p.c, batch.c}})
      if (!check(l.layoutSetAttribute(layout, kLayoutBatchCount, &batch.count,
                                      sizeof batch.count),
                 "cublasLtMatrixLayoutSetAttribute") ||
          !check(l.layoutSetAttribute(layout, kLayoutStridedBatchOffset,
                                      &stride, sizeof stride),
                 "cublasLtMatrixLayoutSetAttribute"))
        return nullptr;
  // The bias of each row-major column is a row of cuBLASLt's column-major
  // C^T: the vector CUBLASLT_EPILOGUE_BIAS broadcasts (f32, C's type). The
  // sum over k of each row-major column of op(B) is the sum of a row of
  // cuBLASLt's A: CUBLASLT_EPILOGUE_BGRADA's vector, written.
  if (epilogue != Epilogue::None) {
    uint32_t kind =
        epilogue == Epilogue::Bias ? kEpilogueBias : kEpilogueBGradA;
    if (!check(l.descSetAttribute(p.desc, kDescEpilogue, &kind, sizeof kind),
               "cublasLtMatmulDescSetAttribute") ||
        !check(l.descSetAttribute(p.desc, kDescBiasPointer, &vector,
                                  sizeof vector),
               "cublasLtMatmulDescSetAttribute"))
      return nullptr;
  }
  // The algorithm, chosen once (cublasLtMatmul would ask the heuristic on
  // every call when given none).
  size_t room = workspace() ? kWorkspaceBytes : 0;
  Preference pref = nullptr;
  if (!check(l.prefCreate(&pref), "cublasLtMatmulPreferenceCreate"))
    return nullptr;
  int found = 0;
  int s = l.prefSetAttribute(pref, kPrefMaxWorkspaceBytes, &room, sizeof room);
  for (auto [attribute, bytes] : {std::pair{kPrefMinAlignmentA, align.a},
                                  std::pair{kPrefMinAlignmentB, align.b},
                                  std::pair{kPrefMinAlignmentC, align.c},
                                  std::pair{kPrefMinAlignmentD, align.c}})
    if (s == kStatusSuccess)
      s = l.prefSetAttribute(pref, attribute, &bytes, sizeof bytes);
  if (s == kStatusSuccess)
    s = l.algoGetHeuristic(l.handle, p.desc, p.a, p.b, p.c, p.c, pref, 1,
                           &p.choice, &found);
  l.prefDestroy(pref);
  if (s != kStatusSuccess && s != kStatusNotSupported) {
    check(s, "cublasLtMatmulAlgoGetHeuristic");
    return nullptr;
  }
  if (s == kStatusNotSupported || found == 0) {
    destroy();
    if (epilogue == Epilogue::BiasGrad)
      return &(plans[key] = Plan{nullptr,
                                 nullptr,
                                 nullptr,
                                 nullptr,
                                 {},
                                 /*supported=*/false});
    recordError("cuBLASLt has no algorithm for a " + std::to_string(m) + "x" +
                std::to_string(n) + "x" + std::to_string(k) + " product" +
                (epilogue == Epilogue::Bias ? " with a bias" : ""));
    return nullptr;
  }
  return &(plans[key] = p);
}

constexpr int kCblasNoTrans = 111, kCblasTrans = 112;

void gemm(int type, int transA, int transB, int m, int n, int k, float alpha,
          const void *a, int lda, const void *b, int ldb, float beta, float *c,
          int ldc, Epilogue epilogue = Epilogue::None, float *vector = nullptr,
          const Batch &batch = Batch());

/// A row of `k` ones of `type` (f32, bf16 or f16) on the device, kept per
/// type (a longer one replaces it when asked for: the products that read
/// the shorter one come before its free on the one stream); null after a
/// recorded failure. The caller holds the products' lock.
const void *ones(int type, int k) {
  struct Row {
    void *data = nullptr;
    int length = 0;
  };
  static std::map<int, Row> rows;
  Row &row = rows[type];
  if (k <= row.length)
    return row.data;
  const Api *a = api();
  void *grown = lp_cuda_alloc(uint64_t(k) * elementBytes(type));
  if (!a || !grown)
    return nullptr;
  // 1.0 in f32, bf16 and f16.
  CUresult r =
      type == kR32F
          ? a->memsetD32Async(devicePtr(grown), 0x3f800000u, k, stepStream())
          : a->memsetD16Async(devicePtr(grown),
                              type == kR16BF ? 0x3f80 : 0x3c00, k,
                              stepStream());
  if (!ok(a, r, type == kR32F ? "cuMemsetD32Async" : "cuMemsetD16Async")) {
    lp_cuda_free(grown);
    return nullptr;
  }
  lp_cuda_free(row.data);
  row = {grown, k};
  return row.data;
}

/// grad[j] = sum over i of op(B)[i, j] (k x n, of `type`), in f32, as the
/// product of a row of ones and op(B).
void columnSums(int type, int transB, int n, int k, const void *b, int ldb,
                float *grad) {
  if (const void *row = ones(type, k > 0 ? k : 1))
    gemm(type, kCblasNoTrans, transB, 1, n, k, 1.0f, row, k > 0 ? k : 1, b, ldb,
         0.0f, grad, n);
}

void gemm(int type, int transA, int transB, int m, int n, int k, float alpha,
          const void *a, int lda, const void *b, int ldb, float beta, float *c,
          int ldc, Epilogue epilogue, float *vector, const Batch &batch) {
  // One lock for the plans, the row of ones and the epilogue's vector,
  // which is set on the plan's descriptor just before its call (the
  // fallback below calls in again).
  static std::recursive_mutex mutex;
  std::lock_guard<std::recursive_mutex> lock(mutex);
  bool biasGrad = epilogue == Epilogue::BiasGrad;
  if (batch.count == 0)
    return;
  if (biasGrad && k == 0) { // no rows to sum: zeros
    const Api *a = api();
    if (a && stepStream() && n > 0)
      ok(a, a->memsetD32Async(devicePtr(vector), 0, n, stepStream()),
         "cuMemsetD32Async");
    biasGrad = false;
    epilogue = Epilogue::None;
  }
  if (m == 0 || n == 0) {
    if (biasGrad && n > 0)
      columnSums(type, transB, n, k, b, ldb, vector);
    return;
  }
  const Lt *l = lt();
  CUstream stream = stepStream();
  if (!l || !stream)
    return;
  // A batch's later matrices are as aligned as the base and the stride.
  int bytes = elementBytes(type); // C is f32
  auto aligned = [&](const void *p, int64_t strideBytes) {
    uint32_t base = alignmentOf(p);
    if (batch.count > 1)
      base = std::min(base, alignmentOf(reinterpret_cast<const void *>(
                                static_cast<uintptr_t>(strideBytes))));
    return base;
  };
  Alignments align{aligned(b, batch.b * bytes), aligned(a, batch.a * bytes),
                   aligned(c, batch.c * 4), vector ? alignmentOf(vector) : 0};
  Plan *p = plan(*l, type, transA == kCblasTrans, transB == kCblasTrans, m, n,
                 k, lda, ldb, ldc, epilogue, vector, align, batch);
  if (!p)
    return;
  if (!p->supported) { // the product, then the bias gradient apart
    gemm(type, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    columnSums(type, transB, n, k, b, ldb, vector);
    return;
  }
  if (epilogue != Epilogue::None &&
      l->descSetAttribute(p->desc, kDescBiasPointer, &vector, sizeof vector) !=
          kStatusSuccess) {
    recordError("cublasLtMatmulDescSetAttribute failed for the epilogue's "
                "vector");
    return;
  }
  void *room = p->choice.workspaceSize ? workspace() : nullptr;
  if (int s = l->matmul(l->handle, p->desc, &alpha, b, p->a, a, p->b, &beta, c,
                        p->c, c, p->c, &p->choice.algo, room,
                        room ? p->choice.workspaceSize : 0, stream);
      s != kStatusSuccess)
    recordError(std::string("cublasLtMatmul failed: ") + l->statusName(s));
}

} // namespace

void lp::rt::cuda::setAllowTf32(bool allow) { allowTf32 = allow; }

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
  gemm(kR32F, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,
       Epilogue::Bias, const_cast<float *>(bias));
}

/// lp_cuda_sgemm (alpha 1), and grad[j] = the sum of column j of op(B)
/// (the bias gradient of a layer whose output gradient is B, computed with
/// its weight gradient: lp-linalg-to-blas{cuda}'s bias-gradient epilogue).
/// With bf16 / f16 A and B the column sums are in f32 (autocast's bias
/// gradient: the 16-bit output gradient widened).
#define LP_BGRAD(name, type, elem)                                             \
  LP_EXPORT void name(int /*order*/, int ta, int tb, int m, int n, int k,      \
                      float alpha, const elem *a, int lda, const elem *b,      \
                      int ldb, float beta, float *c, int ldc, float *grad) {   \
    gemm(type, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,           \
         Epilogue::BiasGrad, grad);                                            \
  }
LP_BGRAD(lp_cuda_sgemm_bgrad, kR32F, float)
LP_BGRAD(lp_cuda_gemm_bf16_bgrad, kR16BF, void)
LP_BGRAD(lp_cuda_gemm_f16_bgrad, kR16F, void)
#undef LP_BGRAD

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

/// A strided batch of `count` products, each lp_cuda_sgemm's (or the
/// 16-bit ones'), the operands of product i `i * stride` elements after
/// the first's, in one cuBLASLt call (lp-linalg-to-blas{cuda}'s batched
/// products).
#define LP_BATCHED(name, type, elem)                                           \
  LP_EXPORT void name(int /*order*/, int ta, int tb, int m, int n, int k,      \
                      float alpha, const elem *a, int lda, int64_t strideA,    \
                      const elem *b, int ldb, int64_t strideB, float beta,     \
                      float *c, int ldc, int64_t strideC, int count) {         \
    gemm(type, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc,           \
         Epilogue::None, nullptr, Batch{count, strideA, strideB, strideC});    \
  }
LP_BATCHED(lp_cuda_sgemm_batched, kR32F, float)
LP_BATCHED(lp_cuda_gemm_bf16_batched, kR16BF, void)
LP_BATCHED(lp_cuda_gemm_f16_batched, kR16F, void)
#undef LP_BATCHED

void lp::rt::cuda::appendBlasSymbols(std::vector<HostSymbol> &symbols) {
#define LP_SYMBOL(f)                                                           \
  HostSymbol { #f, reinterpret_cast < void *>(&f) }
  for (HostSymbol symbol :
       {LP_SYMBOL(lp_cuda_sgemm), LP_SYMBOL(lp_cuda_sgemm_bias),
        LP_SYMBOL(lp_cuda_sgemm_bgrad), LP_SYMBOL(lp_cuda_gemm_bf16_bgrad),
        LP_SYMBOL(lp_cuda_gemm_f16_bgrad), LP_SYMBOL(lp_cuda_gemm_bf16),
        LP_SYMBOL(lp_cuda_gemm_f16), LP_SYMBOL(lp_cuda_sgemm_batched),
        LP_SYMBOL(lp_cuda_gemm_bf16_batched),
        LP_SYMBOL(lp_cuda_gemm_f16_batched)})
    symbols.push_back(symbol);
#undef LP_SYMBOL
}
