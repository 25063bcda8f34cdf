//===- HostSymbols.cpp - the functions lowered code calls -----------------===//

#include "lp/Runtime/HostSymbols.h"
#include "CudaApi.h"
#include "lp/Runtime/BlasDispatch.h"
#include "lp/Runtime/BufferCache.h"
#include "lp/Runtime/Contractions.h"
#include "lp/Runtime/Convolutions.h"
#include "lp/Runtime/HalfFloat.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {
std::atomic<int64_t> allocations{0}, frees{0};

/// MLIR's ranked memref descriptor with the rank erased: allocated and
/// aligned pointers, offset, then `rank` sizes and `rank` strides.
struct Descriptor {
  char *allocated;
  char *aligned;
  int64_t offset;
  int64_t sizesAndStrides[];
};
struct Unranked {
  int64_t rank;
  Descriptor *descriptor;
};
} // namespace

extern "C" {

/// memref.copy between views of any layout (MLIR's C runner utils ABI):
/// the trailing dimensions contiguous in both views are one block (one
/// memcpy: a row of a padding copy, or everything when both are
/// contiguous in the same order); an odometer walks the others. The
/// descriptors are `void *` in the signature, the type every caller (the
/// lowered code, the unit test) can name.
__attribute__((visibility("default"))) void
memrefCopy(int64_t elementSize, void *srcMemref, void *dstMemref) {
  auto *src = static_cast<Unranked *>(srcMemref);
  auto *dst = static_cast<Unranked *>(dstMemref);
  int64_t rank = src->rank;
  const Descriptor &s = *src->descriptor, &d = *dst->descriptor;
  const int64_t *sizes = s.sizesAndStrides;
  const int64_t *srcStrides = s.sizesAndStrides + rank;
  const int64_t *dstStrides = d.sizesAndStrides + rank;
  char *from = s.aligned + s.offset * elementSize;
  char *to = d.aligned + d.offset * elementSize;
  int64_t total = 1;
  for (int64_t i = 0; i < rank; ++i)
    total *= sizes[i];
  if (total == 0)
    return;
  // Dimensions [outer, rank) form one contiguous block in both views.
  int64_t outer = rank, block = 1;
  while (outer > 0) {
    int64_t i = outer - 1;
    if (sizes[i] != 1 && (srcStrides[i] != block || dstStrides[i] != block))
      break;
    block *= sizes[i];
    --outer;
  }
  size_t bytes = size_t(block) * elementSize;
  if (outer == 0) {
    std::memmove(to, from, bytes);
    return;
  }
  // Otherwise, when the innermost dimension itself is strided (a spread or
  // a transpose) and elements are 4 bytes: a tight strided loop over it per
  // step of the odometer over the others.
  bool strided = outer == rank && elementSize == 4;
  int64_t walk = strided ? rank - 1 : outer;
  int64_t inner = strided ? sizes[rank - 1] : block;
  int64_t ss = srcStrides[rank - 1], ds = dstStrides[rank - 1];
  int64_t index[16] = {};
  std::vector<int64_t> heapIndex;
  int64_t *idx = index;
  if (walk > 16) {
    heapIndex.assign(walk, 0);
    idx = heapIndex.data();
  }
  for (int64_t n = 0, steps = total / inner; n < steps; ++n) {
    if (strided) {
      for (int64_t j = 0; j < inner; ++j) // 4-byte copies, inlined
        std::memcpy(to + j * ds * 4, from + j * ss * 4, 4);
    } else {
      std::memcpy(to, from, bytes);
    }
    for (int64_t i = walk - 1; i >= 0; --i) {
      from += srcStrides[i] * elementSize;
      to += dstStrides[i] * elementSize;
      if (++idx[i] < sizes[i])
        break;
      from -= srcStrides[i] * sizes[i] * elementSize;
      to -= dstStrides[i] * sizes[i] * elementSize;
      idx[i] = 0;
    }
  }
}

/// f32/f64 -> bf16 (round to nearest even) where LLVM's code generator
/// calls a library function for it (targets without AVX512_BF16), as MLIR's
/// float16 utils define it: the 16 bits come back in the low half of xmm0,
/// which is where a float return value is.
__attribute__((visibility("default"))) float __truncsfbf2(float f) {
  uint32_t bits = lp::floatToBf16(f);
  float out;
  std::memcpy(&out, &bits, sizeof out);
  return out;
}

__attribute__((visibility("default"))) float __truncdfbf2(double d) {
  return __truncsfbf2(float(d));
}

namespace {
/// A buffer of the compiled step, or the end of the process with a message:
/// the generated code has no error path, and dereferencing the null pointer
/// would be a crash (a 40 GB intermediate was a SIGSEGV in sgemm).
void *checked(void *pointer, size_t size) {
  if (pointer || size == 0)
    return pointer;
  std::fprintf(stderr,
               "lp: error: the compiled step could not allocate %zu bytes "
               "for an intermediate buffer (out of memory)\n",
               size);
  std::fflush(stderr);
  std::_Exit(1);
}
} // namespace

/// The allocation hooks (finalize-memref-to-llvm's generic functions):
/// the buffer cache's blocks (BufferCache.h: large blocks kept across
/// calls, small ones from aligned_alloc), counted; a failed allocation
/// ends the process with a message (checked).
__attribute__((visibility("default"))) void *
_mlir_memref_to_llvm_alloc(size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  return checked(lp::rt::buffers::allocate(alignof(std::max_align_t), size),
                 size);
}

__attribute__((visibility("default"))) void *
_mlir_memref_to_llvm_aligned_alloc(size_t alignment, size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  // C11 wants the size to be a multiple of the alignment.
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  if (rounded < size) // the rounding overflowed
    return checked(nullptr, size);
  return checked(lp::rt::buffers::allocate(alignment, rounded), size);
}

__attribute__((visibility("default"))) void
_mlir_memref_to_llvm_free(void *pointer) {
  if (pointer)
    frees.fetch_add(1, std::memory_order_relaxed);
  lp::rt::buffers::release(pointer);
}

/// lp-linalg-to-blas's calls: LP's dispatcher in front of OpenBLAS and
/// oneDNN (Contractions.h).
__attribute__((visibility("default"))) void
cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
            const float *a, int lda, const float *b, int ldb, float beta,
            float *c, int ldc) {
  lp::rt::sgemmDispatch(order, transA, transB, m, n, k, alpha, a, lda, b, ldb,
                        beta, c, ldc);
}

/// lp-linalg-to-blas's products of bf16 or f16 operands (f32 result).
__attribute__((visibility("default"))) void
lp_gemm_bf16(int order, int transA, int transB, int m, int n, int k,
             float alpha, const void *a, int lda, const void *b, int ldb,
             float beta, float *c, int ldc) {
  lp::rt::lowpGemmDispatch(true, order, transA, transB, m, n, k, alpha, a, lda,
                           b, ldb, beta, c, ldc);
}
__attribute__((visibility("default"))) void
lp_gemm_f16(int order, int transA, int transB, int m, int n, int k, float alpha,
            const void *a, int lda, const void *b, int ldb, float beta,
            float *c, int ldc) {
  lp::rt::lowpGemmDispatch(false, order, transA, transB, m, n, k, alpha, a, lda,
                           b, ldb, beta, c, ldc);
}

/// lp-linalg-to-blas's f32 products with a bias epilogue: the same
/// arguments and the bias row (n floats) added to every row of C.
__attribute__((visibility("default"))) void
lp_sgemm_bias(int order, int transA, int transB, int m, int n, int k,
              float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc, const float *bias) {
  lp::rt::sgemmDispatch(order, transA, transB, m, n, k, alpha, a, lda, b, ldb,
                        beta, c, ldc, bias);
}

/// lp-convs-to-library's calls (Convolutions.h).
#define LP_CONV_ENTRY(NAME, KIND)                                              \
  __attribute__((visibility("default"))) void NAME(                            \
      const float *a, const float *b, float *out, int64_t n, int64_t c,        \
      int64_t h, int64_t w, int64_t f, int64_t kh, int64_t kw, int64_t oh,     \
      int64_t ow, int64_t sh, int64_t sw, int64_t ph, int64_t pw) {            \
    lp::rt::convolution(KIND, a, b, out,                                       \
                        {n, c, h, w, f, kh, kw, oh, ow, sh, sw, ph, pw});      \
  }
LP_CONV_ENTRY(lp_conv2d_f32, lp::rt::ConvKind::Forward)
LP_CONV_ENTRY(lp_conv2d_grad_filter_f32, lp::rt::ConvKind::GradFilter)
LP_CONV_ENTRY(lp_conv2d_grad_input_f32, lp::rt::ConvKind::GradInput)
#undef LP_CONV_ENTRY

/// lp-parallelize-kernels' and lp-linalg-to-blas's block count (their
/// `threads` = 0): the OpenMP thread count.
__attribute__((visibility("default"))) int64_t lp_num_threads() {
  return lp::rt::parallelThreads();
}
}

const std::vector<lp::rt::HostSymbol> &lp::rt::hostSymbols() {
  static const std::vector<HostSymbol> symbols = {
      {"memrefCopy", reinterpret_cast<void *>(&memrefCopy)},
      {"cblas_sgemm", reinterpret_cast<void *>(&cblas_sgemm)},
      {"lp_gemm_bf16", reinterpret_cast<void *>(&lp_gemm_bf16)},
      {"lp_gemm_f16", reinterpret_cast<void *>(&lp_gemm_f16)},
      {"lp_sgemm_bias", reinterpret_cast<void *>(&lp_sgemm_bias)},
      {"lp_conv2d_f32", reinterpret_cast<void *>(&lp_conv2d_f32)},
      {"lp_conv2d_grad_filter_f32",
       reinterpret_cast<void *>(&lp_conv2d_grad_filter_f32)},
      {"lp_conv2d_grad_input_f32",
       reinterpret_cast<void *>(&lp_conv2d_grad_input_f32)},
      {"lp_num_threads", reinterpret_cast<void *>(&lp_num_threads)},
      {"__truncsfbf2", reinterpret_cast<void *>(&__truncsfbf2)},
      {"__truncdfbf2", reinterpret_cast<void *>(&__truncdfbf2)},
      {"_mlir_memref_to_llvm_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_alloc)},
      {"_mlir_memref_to_llvm_aligned_alloc",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_aligned_alloc)},
      {"_mlir_memref_to_llvm_free",
       reinterpret_cast<void *>(&_mlir_memref_to_llvm_free)}};
  static const std::vector<HostSymbol> all = [] {
    std::vector<HostSymbol> v = symbols;
    cuda::appendHostSymbols(v);
    cuda::appendStepSymbols(v);
    cuda::appendBlasSymbols(v);
    return v;
  }();
  return all;
}

std::string lp::rt::prepareHostSymbols() { return prepareContractions(); }

lp::rt::AllocationStats lp::rt::allocationStats() {
  return {allocations.load(), frees.load()};
}
