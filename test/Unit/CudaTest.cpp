//===- CudaTest.cpp - the CUDA driver loader and the mgpu entry points ----===//
//
// The runtime's GPU side on machines without a GPU (every failure says
// what is missing, and no entry point crashes) and, where a GPU is
// present, a round trip through device memory. Tests that need a GPU or
// the toolkit's stub skip with the reason.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Cuda.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <vector>

extern "C" {
void *mgpuStreamCreate();
void mgpuStreamDestroy(void *);
void mgpuStreamSynchronize(void *);
void *mgpuMemAlloc(uint64_t, void *, int8_t);
void mgpuMemFree(void *, void *);
void mgpuMemcpy(void *, void *, uint64_t, void *);
void mgpuMemset32(void *, uint32_t, uint64_t, void *);
void *mgpuModuleLoad(void *, int64_t);
void *mgpuModuleGetFunction(void *, const char *);
void mgpuLaunchKernel(void *, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int32_t, void *, void **, void **, int64_t);
void *lp_cuda_step_stream();
void *lp_cuda_alloc(uint64_t);
void *lp_cuda_aligned_alloc(uint64_t, uint64_t);
void lp_cuda_free(void *);
void lp_cuda_sgemm(int, int, int, int, int, int, float, const float *, int,
                   const float *, int, float, float *, int);
void lp_cuda_sgemm_bias(int, int, int, int, int, int, float, const float *, int,
                        const float *, int, float, float *, int, const float *);
void lp_cuda_sgemm_bgrad(int, int, int, int, int, int, float, const float *,
                         int, const float *, int, float, float *, int, float *);
void lp_cuda_sgemm_batched(int, int, int, int, int, int, float, const float *,
                           int, int64_t, const float *, int, int64_t, float,
                           float *, int, int64_t, int);
void lp_cuda_gemm_bf16_bgrad(int, int, int, int, int, int, float, const void *,
                             int, const void *, int, float, float *, int,
                             float *);
int lp_cuda_synchronize(char **);
void lp_free_error(char *);
}

namespace {

const char *kStub = "/usr/local/cuda/lib64/stubs/libcuda.so";

TEST(CudaDriver, MissingLibraryIsNoCudaDriver) {
  std::string e = lp::rt::cuda::probeDriver("/nonexistent/libcuda.so.1");
  EXPECT_EQ(e.rfind("no CUDA driver: ", 0), 0u) << e;
  EXPECT_NE(e.find("/nonexistent/libcuda.so.1"), std::string::npos) << e;
}

TEST(CudaDriver, LibraryWithoutTheApiIsNoCudaDriver) {
  std::string e = lp::rt::cuda::probeDriver("libz.so.1");
  EXPECT_EQ(e, "no CUDA driver: libz.so.1 has no cuInit (a driver older "
               "than CUDA 12?)");
}

TEST(CudaDriver, ToolkitStubIsNoGpu) {
  if (!std::filesystem::exists(kStub))
    GTEST_SKIP() << "the CUDA toolkit's stub driver is not at " << kStub;
  EXPECT_EQ(lp::rt::cuda::probeDriver(kStub),
            "no GPU: cuInit failed: CUDA_ERROR_STUB_LIBRARY (34)");
}

/// Without a driver every entry point returns null or does nothing, and
/// the first failure is reported once.
TEST(CudaHost, EntryPointsWithoutADriverRecordOneError) {
  std::string driver = lp::rt::cuda::initialize();
  if (driver.empty())
    GTEST_SKIP() << "a CUDA driver and GPU are present ("
                 << lp::rt::cuda::deviceDescription() << ")";
  lp::rt::cuda::takeError();
  void *stream = mgpuStreamCreate();
  EXPECT_EQ(stream, nullptr);
  EXPECT_EQ(mgpuMemAlloc(64, stream, 0), nullptr);
  EXPECT_EQ(mgpuModuleLoad(const_cast<char *>("not a module"), 12), nullptr);
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "k"), nullptr);
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr, 0);
  float host[4] = {0};
  mgpuMemcpy(host, host, sizeof host, stream);
  mgpuStreamSynchronize(stream);
  mgpuStreamDestroy(stream);
  EXPECT_EQ(lp::rt::cuda::takeError(), driver);
  EXPECT_EQ(lp::rt::cuda::takeError(), "");
  EXPECT_EQ(lp::rt::cuda::deviceDescription(), driver);
}

/// Device memory set, copied back and forth (only where a GPU is).
TEST(CudaHost, DeviceMemoryRoundTrip) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  void *stream = mgpuStreamCreate();
  std::vector<uint32_t> host(1000, 7), back(1000, 0);
  void *d = mgpuMemAlloc(4000, stream, 0);
  ASSERT_NE(d, nullptr) << lp::rt::cuda::takeError();
  mgpuMemcpy(d, host.data(), 4000, stream);
  mgpuMemset32(d, 0x3f800000u, 500, stream);
  mgpuMemcpy(back.data(), d, 4000, stream);
  mgpuStreamSynchronize(stream);
  mgpuMemFree(d, stream);
  mgpuStreamDestroy(stream);
  EXPECT_EQ(lp::rt::cuda::takeError(), "");
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(back[i], i < 500 ? 0x3f800000u : 7u) << i;
}

/// The entry points of a lowered step (lp-gpu-host-calls) without a
/// driver: null results, nothing crashes, the one error is the driver's.
TEST(CudaStep, EntryPointsWithoutADriverRecordOneError) {
  std::string driver = lp::rt::cuda::initialize();
  if (driver.empty())
    GTEST_SKIP() << "a CUDA driver and GPU are present ("
                 << lp::rt::cuda::deviceDescription() << ")";
  lp::rt::cuda::takeError();
  EXPECT_EQ(lp_cuda_step_stream(), nullptr);
  EXPECT_EQ(lp_cuda_alloc(64), nullptr);
  EXPECT_EQ(lp_cuda_aligned_alloc(64, 128), nullptr);
  lp_cuda_free(nullptr);
  EXPECT_EQ(lp::rt::cuda::synchronize(), driver);
  EXPECT_EQ(lp::rt::cuda::synchronize(), driver);
}

/// Without cuBLASLt a product records why (the library is loaded on the
/// first product; $LP_CUBLASLT names another file).
TEST(CudaBlas, MissingLibraryIsRecorded) {
  setenv("LP_CUBLASLT", "/nonexistent/libcublasLt.so.13", 1);
  lp::rt::cuda::takeError();
  float c = 0;
  lp_cuda_sgemm(101, 111, 111, 1, 1, 1, 1.0f, &c, 1, &c, 1, 0.0f, &c, 1);
  EXPECT_EQ(lp::rt::cuda::takeError(),
            "no cuBLASLt: /nonexistent/libcublasLt.so.13: cannot open shared "
            "object file: No such file or directory");
  // The product with a bias epilogue too, and it writes nothing.
  float bias = 5;
  c = 3;
  lp_cuda_sgemm_bias(101, 111, 111, 1, 1, 1, 1.0f, &c, 1, &c, 1, 0.0f, &c, 1,
                     &bias);
  EXPECT_EQ(lp::rt::cuda::takeError(),
            "no cuBLASLt: /nonexistent/libcublasLt.so.13: cannot open shared "
            "object file: No such file or directory");
  EXPECT_EQ(c, 3);
  // With the bias-gradient epilogue, and with no rows (the column sums
  // alone): nothing written.
  float grad = 7;
  for (int m : {1, 0}) {
    lp_cuda_sgemm_bgrad(101, 111, 111, m, 1, 1, 1.0f, &c, 1, &c, 1, 0.0f, &c, 1,
                        &grad);
    EXPECT_NE(lp::rt::cuda::takeError(), "") << m;
  }
  lp_cuda_sgemm_batched(101, 111, 111, 1, 1, 1, 1.0f, &c, 1, 1, &c, 1, 1, 0.0f,
                        &c, 1, 1, 2);
  EXPECT_NE(lp::rt::cuda::takeError(), "");
  EXPECT_EQ(c, 3);
  EXPECT_EQ(grad, 7);
}

/// The C API's wait for the GPU work says why there is none.
TEST(CudaStep, SynchronizeReportsTheMissingDriver) {
  std::string driver = lp::rt::cuda::initialize();
  if (driver.empty())
    GTEST_SKIP() << "a CUDA driver and GPU are present ("
                 << lp::rt::cuda::deviceDescription() << ")";
  lp::rt::cuda::takeError();
  char *error = nullptr;
  EXPECT_EQ(lp_cuda_synchronize(&error), 1);
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(std::string(error), driver);
  lp_free_error(error);
}

/// The driver aligns its allocations to 256 bytes; more is refused before
/// the driver is asked.
TEST(CudaStep, AlignmentAboveTheDriversIsRefused) {
  lp::rt::cuda::takeError();
  EXPECT_EQ(lp_cuda_aligned_alloc(512, 64), nullptr);
  EXPECT_EQ(lp::rt::cuda::takeError(),
            "lp_cuda_aligned_alloc: alignment 512 is above the driver's 256 "
            "bytes");
}

/// Stream-ordered device memory on the step's stream, one stream for the
/// process (only where a GPU is).
TEST(CudaStep, StreamOrderedRoundTrip) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  void *stream = lp_cuda_step_stream();
  ASSERT_NE(stream, nullptr) << lp::rt::cuda::takeError();
  EXPECT_EQ(lp_cuda_step_stream(), stream);
  std::vector<uint32_t> host(1000, 7), back(1000, 0);
  void *d = lp_cuda_aligned_alloc(64, 4000);
  ASSERT_NE(d, nullptr) << lp::rt::cuda::takeError();
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % 256, 0u);
  mgpuMemcpy(d, host.data(), 4000, stream);
  mgpuMemset32(d, 0x3f800000u, 500, stream);
  mgpuMemcpy(back.data(), d, 4000, stream);
  lp_cuda_free(d);
  EXPECT_EQ(lp::rt::cuda::synchronize(), "");
  for (int i = 0; i < 1000; ++i)
    ASSERT_EQ(back[i], i < 500 ? 0x3f800000u : 7u) << i;
}

/// An empty kernel as PTX, for the driver's JIT.
const char *kEmptyKernel = ".version 7.0\n.target sm_50\n.address_size 64\n"
                           ".visible .entry k() { ret; }\n";

/// Each image is loaded once and each kernel looked up once; a launch the
/// driver refuses (more threads per block than any GPU has) is recorded
/// with the driver's error name (only where a GPU is).
TEST(CudaStep, ModulesCachedAndFailedLaunchRecorded) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  lp::rt::cuda::takeError();
  void *image = const_cast<char *>(kEmptyKernel);
  void *module = mgpuModuleLoad(image, 0);
  ASSERT_NE(module, nullptr) << lp::rt::cuda::takeError();
  EXPECT_EQ(mgpuModuleLoad(image, 0), module);
  void *fn = mgpuModuleGetFunction(module, "k");
  ASSERT_NE(fn, nullptr) << lp::rt::cuda::takeError();
  EXPECT_EQ(mgpuModuleGetFunction(module, "k"), fn);
  void *stream = lp_cuda_step_stream();
  mgpuLaunchKernel(fn, 1, 1, 1, 1, 1, 1, 0, stream, nullptr, nullptr, 0);
  EXPECT_EQ(lp::rt::cuda::synchronize(), "");
  mgpuLaunchKernel(fn, 1, 1, 1, 4096, 1, 1, 0, stream, nullptr, nullptr, 0);
  EXPECT_NE(lp::rt::cuda::synchronize().find("cuLaunchKernel failed: CUDA_"),
            std::string::npos);
}

/// The products through cuBLASLt and their epilogues, on the device (only
/// where a GPU and cuBLASLt are; bench/gpu/device_check.sh runs it there):
/// small integers, so every sum is exact in f32, against the host's.
TEST(CudaBlasDevice, ProductsAndEpilogues) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  lp::rt::cuda::takeError();
  const int m = 33, n = 17, k = 9;
  std::vector<float> a(m * k), b(k * n), bias(n);
  for (int i = 0; i < m * k; ++i)
    a[i] = float(i * 7 % 5) - 2;
  for (int i = 0; i < k * n; ++i)
    b[i] = float(i * 3 % 7) - 3;
  for (int j = 0; j < n; ++j)
    bias[j] = float(j % 4) - 1.5f;
  auto upload = [](const std::vector<float> &v) {
    return static_cast<float *>(
        lp::rt::cuda::deviceBuffer(v.size() * sizeof(float), v.data()));
  };
  float *da = upload(a), *dc = upload(std::vector<float>(m * n, 99));
  float *dbias = upload(bias), *dgrad = upload(std::vector<float>(n, 99));
  // cuBLASLt is loaded on the first product ($LP_CUBLASLT, or
  // libcublasLt.so.13 on the library path), once per process.
  lp_cuda_sgemm(101, 111, 111, 1, 1, 1, 1.0f, da, 1, da, 1, 0.0f, dc, 1);
  if (std::string e = lp::rt::cuda::synchronize();
      e.rfind("no cuBLASLt", 0) == 0)
    GTEST_SKIP() << e;
  else
    ASSERT_EQ(e, "");
  for (int tb : {111, 112}) { // B as k x n, and as its transpose n x k
    std::vector<float> bt(b);
    if (tb == 112)
      for (int i = 0; i < k; ++i)
        for (int j = 0; j < n; ++j)
          bt[j * k + i] = b[i * n + j];
    float *db = upload(bt);
    int ldb = tb == 111 ? n : k;
    std::vector<float> want(m * n), sums(n, 0), got(m * n), grad(n);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        float acc = 0;
        for (int p = 0; p < k; ++p)
          acc += a[i * k + p] * b[p * n + j];
        want[i * n + j] = acc;
      }
    for (int p = 0; p < k; ++p)
      for (int j = 0; j < n; ++j)
        sums[j] += b[p * n + j];
    lp_cuda_sgemm(101, 111, tb, m, n, k, 1.0f, da, k, db, ldb, 0.0f, dc, n);
    lp::rt::cuda::copyToHost(got.data(), dc, got.size() * sizeof(float));
    ASSERT_EQ(lp::rt::cuda::synchronize(), "");
    EXPECT_EQ(got, want) << "plain, transB " << tb;
    lp_cuda_sgemm_bias(101, 111, tb, m, n, k, 1.0f, da, k, db, ldb, 0.0f, dc, n,
                       dbias);
    lp::rt::cuda::copyToHost(got.data(), dc, got.size() * sizeof(float));
    ASSERT_EQ(lp::rt::cuda::synchronize(), "");
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j)
        ASSERT_EQ(got[i * n + j], want[i * n + j] + bias[j]) << i << "," << j;
    lp_cuda_sgemm_bgrad(101, 111, tb, m, n, k, 1.0f, da, k, db, ldb, 0.0f, dc,
                        n, dgrad);
    lp::rt::cuda::copyToHost(got.data(), dc, got.size() * sizeof(float));
    lp::rt::cuda::copyToHost(grad.data(), dgrad, grad.size() * sizeof(float));
    ASSERT_EQ(lp::rt::cuda::synchronize(), "");
    EXPECT_EQ(got, want) << "with the bias gradient, transB " << tb;
    EXPECT_EQ(grad, sums) << "transB " << tb;
    // No rows: only the column sums.
    std::fill(grad.begin(), grad.end(), 99.0f);
    lp::rt::cuda::copyToDevice(dgrad, grad.data(), n * sizeof(float));
    lp_cuda_sgemm_bgrad(101, 111, tb, 0, n, k, 1.0f, da, k, db, ldb, 0.0f, dc,
                        n, dgrad);
    lp::rt::cuda::copyToHost(grad.data(), dgrad, grad.size() * sizeof(float));
    ASSERT_EQ(lp::rt::cuda::synchronize(), "");
    EXPECT_EQ(grad, sums) << "no rows, transB " << tb;
    // k = 0: C is 0 and so is the bias gradient.
    lp_cuda_sgemm_bgrad(101, 111, tb, m, n, 0, 1.0f, da, k, db, ldb, 0.0f, dc,
                        n, dgrad);
    lp::rt::cuda::copyToHost(grad.data(), dgrad, grad.size() * sizeof(float));
    ASSERT_EQ(lp::rt::cuda::synchronize(), "");
    EXPECT_EQ(grad, std::vector<float>(n, 0.0f)) << "k = 0, transB " << tb;
    lp::rt::cuda::freeDeviceBuffer(db);
  }
  // A product of shape m x n x (k - 1) on aligned operands, then the same
  // shape on operands 4 bytes past 256-byte alignment (A from its second
  // element, C from its second): each plan's algorithm is chosen for its
  // operands' alignment.
  float *db = upload(b);
  float *wide = upload(std::vector<float>(m * n + 1, 99));
  lp_cuda_sgemm(101, 111, 111, m, n, k - 1, 1.0f, da, k, db, n, 0.0f, dc, n);
  lp_cuda_sgemm(101, 111, 111, m, n, k - 1, 1.0f, da + 1, k, db, n, 0.0f,
                wide + 1, n);
  std::vector<float> got(m * n);
  lp::rt::cuda::copyToHost(got.data(), wide + 1, got.size() * sizeof(float));
  ASSERT_EQ(lp::rt::cuda::synchronize(), "");
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      float acc = 0;
      for (int p = 0; p + 1 < k; ++p)
        acc += a[i * k + 1 + p] * b[p * n + j];
      ASSERT_EQ(got[i * n + j], acc) << "unaligned " << i << "," << j;
    }
  lp::rt::cuda::freeDeviceBuffer(db);
  lp::rt::cuda::freeDeviceBuffer(wide);
  for (float *d : {da, dc, dbias, dgrad})
    lp::rt::cuda::freeDeviceBuffer(d);
  EXPECT_EQ(lp::rt::cuda::synchronize(), "");
}

/// The bf16 bias gradient: bf16 A and B (small integers, exact in bf16),
/// the product and the column sums of B in f32, on the device.
TEST(CudaBlasDevice, Bf16BiasGradient) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  lp::rt::cuda::takeError();
  const int m = 16, n = 24, k = 40;
  auto bf16 = [](float f) {
    uint32_t bits;
    std::memcpy(&bits, &f, 4);
    return uint16_t(bits >> 16); // exact: small integers
  };
  std::vector<uint16_t> a(k * m), b(k * n); // A stored k x m (transposed)
  std::vector<float> fa(k * m), fb(k * n);
  for (int i = 0; i < k * m; ++i)
    a[i] = bf16(fa[i] = float(i * 7 % 5) - 2);
  for (int i = 0; i < k * n; ++i)
    b[i] = bf16(fb[i] = float(i * 3 % 7) - 3);
  void *da = lp::rt::cuda::deviceBuffer(a.size() * 2, a.data());
  void *db = lp::rt::cuda::deviceBuffer(b.size() * 2, b.data());
  std::vector<float> c(m * n, 99), grad(n, 99);
  auto *dc = static_cast<float *>(lp::rt::cuda::deviceBuffer(c.size() * 4));
  auto *dg = static_cast<float *>(lp::rt::cuda::deviceBuffer(n * 4));
  lp_cuda_gemm_bf16_bgrad(101, 112, 111, m, n, k, 1.0f, da, m, db, n, 0.0f, dc,
                          n, dg);
  lp::rt::cuda::copyToHost(c.data(), dc, c.size() * 4);
  lp::rt::cuda::copyToHost(grad.data(), dg, n * 4);
  std::string e = lp::rt::cuda::synchronize();
  if (e.rfind("no cuBLASLt", 0) == 0)
    GTEST_SKIP() << e;
  ASSERT_EQ(e, "");
  for (int j = 0; j < n; ++j) {
    float sum = 0;
    for (int p = 0; p < k; ++p)
      sum += fb[p * n + j];
    EXPECT_EQ(grad[j], sum) << j;
    for (int i = 0; i < m; ++i) {
      float acc = 0;
      for (int p = 0; p < k; ++p)
        acc += fa[p * m + i] * fb[p * n + j];
      ASSERT_EQ(c[i * n + j], acc) << i << "," << j;
    }
  }
  for (void *d : {da, db, static_cast<void *>(dc), static_cast<void *>(dg)})
    lp::rt::cuda::freeDeviceBuffer(d);
}

/// A strided batch in one call: three products whose A are every other
/// matrix of a buffer (stride two matrices), B transposed, on the device.
TEST(CudaBlasDevice, StridedBatch) {
  if (std::string e = lp::rt::cuda::initialize(); !e.empty())
    GTEST_SKIP() << e;
  lp::rt::cuda::takeError();
  const int count = 3, m = 5, n = 6, k = 7;
  std::vector<float> a(2 * count * m * k), b(count * n * k);
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = float(i * 5 % 9) - 4;
  for (size_t i = 0; i < b.size(); ++i)
    b[i] = float(i * 3 % 5) - 2;
  auto upload = [](const std::vector<float> &v) {
    return static_cast<float *>(
        lp::rt::cuda::deviceBuffer(v.size() * sizeof(float), v.data()));
  };
  float *da = upload(a), *db = upload(b);
  float *dc = upload(std::vector<float>(count * m * n, 99));
  lp_cuda_sgemm_batched(101, 111, 112, m, n, k, 1.0f, da, k, 2 * m * k, db, k,
                        n * k, 0.0f, dc, n, m * n, count);
  std::vector<float> got(count * m * n);
  lp::rt::cuda::copyToHost(got.data(), dc, got.size() * sizeof(float));
  std::string e = lp::rt::cuda::synchronize();
  if (e.rfind("no cuBLASLt", 0) == 0)
    GTEST_SKIP() << e;
  ASSERT_EQ(e, "");
  for (int q = 0; q < count; ++q)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        float acc = 0;
        for (int p = 0; p < k; ++p)
          acc += a[2 * q * m * k + i * k + p] * b[q * n * k + j * k + p];
        ASSERT_EQ(got[q * m * n + i * n + j], acc) << q << "," << i << "," << j;
      }
  for (float *d : {da, db, dc})
    lp::rt::cuda::freeDeviceBuffer(d);
}

} // namespace
