//===- BufferCacheTest.cpp - large step buffers kept across calls --------===//

#include "lp/Runtime/BufferCache.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/resource.h>
#include <unistd.h>

using namespace lp::rt;

namespace {
constexpr size_t kMiB = size_t(1) << 20;

/// Whether LP_BUFFER_CACHE=0 has turned the cache off in this process.
bool cacheOff() {
  const char *env = std::getenv("LP_BUFFER_CACHE");
  return env && std::strcmp(env, "0") == 0;
}

/// Empties the cache: blocks not taken back during two calls are released.
void drain() {
  buffers::endOfCall();
  buffers::endOfCall();
}
} // namespace

TEST(BufferCache, LargeBlockComesBackForTheSameSize) {
  if (cacheOff())
    GTEST_SKIP() << "LP_BUFFER_CACHE=0 turns the cache off";
  drain();
  void *a = buffers::allocate(64, 3 * kMiB);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(a) % 4096, 0u);
  std::memset(a, 1, 3 * kMiB);
  buffers::release(a);
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 1);
  int64_t reused = buffers::cacheStats().reused;
  buffers::endOfCall(); // freed during this call: kept for the next
  void *b = buffers::allocate(64, 3 * kMiB);
  EXPECT_EQ(b, a);
  EXPECT_EQ(buffers::cacheStats().reused, reused + 1);
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 0);
  // Another size does not take it.
  buffers::release(b);
  void *c = buffers::allocate(64, 5 * kMiB);
  EXPECT_NE(c, b);
  buffers::release(c);
  drain();
}

TEST(BufferCache, BlockNotTakenBackDuringACallIsReleased) {
  if (cacheOff())
    GTEST_SKIP() << "LP_BUFFER_CACHE=0 turns the cache off";
  drain();
  void *a = buffers::allocate(16, 2 * kMiB);
  buffers::release(a);
  buffers::endOfCall();
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 1);
  buffers::endOfCall(); // a whole call without taking it back
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 0);
  EXPECT_EQ(buffers::cacheStats().cachedBytes, 0);
}

TEST(BufferCache, SmallAndOverAlignedBlocksAreNotCached) {
  drain();
  void *small = buffers::allocate(16, 1000);
  ASSERT_NE(small, nullptr);
  buffers::release(small);
  void *aligned = buffers::allocate(8192, 2 * kMiB);
  ASSERT_NE(aligned, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(aligned) % 8192, 0u);
  buffers::release(aligned);
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 0);
  buffers::release(nullptr);
}

TEST(BufferCache, CachedBytesStayWithinThePeakLiveBytes) {
  drain();
  // One after the other, each freed before the next: the peak of live
  // bytes is the largest block, so not all of them can be kept.
  for (size_t mib : {8, 4, 6, 2}) {
    void *p = buffers::allocate(64, mib * kMiB);
    ASSERT_NE(p, nullptr);
    buffers::release(p);
    EXPECT_LE(buffers::cacheStats().cachedBytes, int64_t(8 * kMiB));
  }
  drain();
}

TEST(BufferCache, ImpossibleSizeIsNull) {
  EXPECT_EQ(buffers::allocate(64, SIZE_MAX - 10), nullptr);
  EXPECT_EQ(buffers::allocate(8192, SIZE_MAX - 10), nullptr); // not cached
}

TEST(BufferCache, TrimFreesEveryCachedBlock) {
  if (cacheOff())
    GTEST_SKIP() << "LP_BUFFER_CACHE=0 turns the cache off";
  drain();
  void *a = buffers::allocate(64, 2 * kMiB);
  void *b = buffers::allocate(64, 3 * kMiB);
  buffers::release(a);
  buffers::release(b);
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 2);
  buffers::trim();
  EXPECT_EQ(buffers::cacheStats().cachedBlocks, 0);
  EXPECT_EQ(buffers::cacheStats().cachedBytes, 0);
}

namespace {
/// The process's virtual address space in bytes (/proc/self/statm's first
/// field, in pages), or 0.
size_t addressSpaceBytes() {
  FILE *f = std::fopen("/proc/self/statm", "r");
  if (!f)
    return 0;
  unsigned long pages = 0;
  int read = std::fscanf(f, "%lu", &pages);
  std::fclose(f);
  return read == 1 ? pages * size_t(sysconf(_SC_PAGESIZE)) : 0;
}

/// In a child process whose address space may grow by only 160 MiB: a 96
/// MiB block is freed into the cache, then a 112 MiB one is asked for,
/// which fits only once the cache gives the first back. Exits 0 when it
/// is served (and the cache is then empty), 1 when it is not.
[[noreturn]] void allocateAfterCachingUnderALimit() {
  size_t now = addressSpaceBytes();
  rlimit limit{now + 160 * kMiB, now + 160 * kMiB};
  if (now == 0 || setrlimit(RLIMIT_AS, &limit) != 0)
    std::_Exit(2);
  drain();
  void *first = buffers::allocate(64, 96 * kMiB);
  if (!first)
    std::_Exit(3);
  buffers::release(first); // cached: within the peak of live bytes
  if (buffers::cacheStats().cachedBlocks != 1)
    std::_Exit(4);
  void *second = buffers::allocate(64, 112 * kMiB);
  bool ok = second && buffers::cacheStats().cachedBlocks == 0;
  std::_Exit(ok ? 0 : 1);
}
} // namespace

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LP_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define LP_UNDER_ASAN 1
#endif

TEST(BufferCache, CachedBlocksAreGivenBackBeforeAnAllocationFails) {
  if (cacheOff())
    GTEST_SKIP() << "LP_BUFFER_CACHE=0 turns the cache off";
#ifdef LP_UNDER_ASAN
  GTEST_SKIP() << "AddressSanitizer's allocator stops the process at an "
                  "allocation beyond RLIMIT_AS instead of returning null";
#endif
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(allocateAfterCachingUnderALimit(), testing::ExitedWithCode(0),
              "");
}
