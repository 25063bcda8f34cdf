//===- FakeDriverTest.cpp - the runtime's GPU paths over a fake driver ----===//
//
// Run with $LP_CUDA_DRIVER naming FakeCudaDriver.cpp's library (ctest's
// fake-cuda-driver test sets it): the runtime's paths that need a driver,
// and none of a GPU's kernels, tested on machines without a GPU. The one
// a GPU machine can also check (CudaTest.cpp) runs real kernels.
//
//===----------------------------------------------------------------------===//

#include "lp/Runtime/Cuda.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" {
void *mgpuModuleLoad(void *, int64_t);
void *mgpuModuleGetFunction(void *, const char *);
void mgpuLaunchKernel(void *, int64_t, int64_t, int64_t, int64_t, int64_t,
                      int64_t, int32_t, void *, void **, void **, int64_t);
void mgpuMemset32(void *, uint32_t, uint64_t, void *);
void *lp_cuda_step_stream();
int lp_cuda_synchronize(char **);
void lp_free_error(char *);
}

namespace cuda = lp::rt::cuda;

namespace {

void requireFakeDriver() {
  const char *path = std::getenv("LP_CUDA_DRIVER");
  ASSERT_TRUE(path &&
              std::string(path).find("lp_fake_cuda") != std::string::npos)
      << "run with LP_CUDA_DRIVER naming the fake driver (ctest does)";
  ASSERT_EQ(cuda::initialize(), "");
}

TEST(FakeDriver, DescribesItsDevice) {
  requireFakeDriver();
  EXPECT_EQ(cuda::chipName(), "sm_90");
  EXPECT_NE(cuda::deviceDescription().find("LP fake driver, sm_90"),
            std::string::npos)
      << cuda::deviceDescription();
}

/// Device memory in stream order: copies in, a fill, a copy on the device,
/// copies out.
TEST(FakeDriver, DeviceMemoryRoundTrip) {
  requireFakeDriver();
  std::vector<uint32_t> in(100, 7), out(100, 0), copied(100, 0);
  void *a = cuda::deviceBuffer(400, in.data());
  void *b = cuda::deviceBuffer(400);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  mgpuMemset32(a, 0x3f800000u, 50, lp_cuda_step_stream());
  cuda::copyOnDevice(b, a, 400);
  cuda::copyToHost(out.data(), a, 400);
  cuda::copyToHost(copied.data(), b, 400);
  EXPECT_EQ(cuda::synchronize(), "");
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(out[i], i < 50 ? 0x3f800000u : 7u) << i;
    ASSERT_EQ(copied[i], out[i]) << i;
  }
  cuda::freeDeviceBuffer(a);
  cuda::freeDeviceBuffer(b);
}

/// A module is loaded once and a function looked up once; a launch the
/// driver fails is recorded with the driver's error name, and the C API's
/// synchronize returns it.
TEST(FakeDriver, FailedLaunchIsRecorded) {
  requireFakeDriver();
  cuda::takeError();
  static char image[] = "a kernel image";
  void *module = mgpuModuleLoad(image, 0);
  ASSERT_NE(module, nullptr) << cuda::takeError();
  EXPECT_EQ(mgpuModuleLoad(image, 0), module);
  void *fn = mgpuModuleGetFunction(module, "k");
  ASSERT_NE(fn, nullptr) << cuda::takeError();
  EXPECT_EQ(mgpuModuleGetFunction(module, "k"), fn);
  mgpuLaunchKernel(fn, 1, 1, 1, 32, 1, 1, 0, lp_cuda_step_stream(), nullptr,
                   nullptr, 0);
  char *error = nullptr;
  ASSERT_EQ(lp_cuda_synchronize(&error), 1);
  EXPECT_NE(std::string(error).find(
                "cuLaunchKernel failed: CUDA_ERROR_LAUNCH_FAILED"),
            std::string::npos)
      << error;
  lp_free_error(error);
  // Reported once: the next wait has nothing to say.
  EXPECT_EQ(cuda::synchronize(), "");
}

} // namespace
