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

#include <cstdint>
#include <cstdlib>
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

} // namespace
