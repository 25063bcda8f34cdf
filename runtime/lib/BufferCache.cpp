//===- BufferCache.cpp - large intermediate buffers kept across calls -----===//

#include "lp/Runtime/BufferCache.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <malloc.h>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace lp {
namespace rt {
namespace buffers {
namespace {

constexpr size_t kCachedFrom = size_t(1) << 20; // 1 MiB
constexpr size_t kPage = 4096;

struct FreeBlock {
  void *pointer;
  uint64_t releasedIn; ///< the call (generation) it was freed in
};

struct Cache {
  std::mutex lock;
  bool enabled = true;
  std::unordered_map<void *, size_t> live; ///< cached-size blocks in use
  std::unordered_map<size_t, std::vector<FreeBlock>> free;
  size_t liveBytes = 0, peakLiveBytes = 0, cachedBytes = 0;
  int64_t cachedBlocks = 0, reused = 0;
  uint64_t generation = 0;

  Cache() {
    const char *env = std::getenv("LP_BUFFER_CACHE");
    enabled = !(env && std::strcmp(env, "0") == 0);
  }
};

/// One cache for the process, never destroyed (blocks freed by static
/// destructors of other objects still find it).
Cache &cache() {
  static Cache *c = new Cache();
  return *c;
}

void freeBlock(Cache &c, void *pointer, size_t size) {
  c.cachedBytes -= size;
  --c.cachedBlocks;
  std::free(pointer);
}

/// Frees every cached block (with the lock held).
void freeAll(Cache &c) {
  for (auto &[size, blocks] : c.free)
    for (const FreeBlock &b : blocks)
      freeBlock(c, b.pointer, size);
  c.free.clear();
}

} // namespace

void *allocate(size_t alignment, size_t size) {
  Cache &c = cache();
  if (!c.enabled || size < kCachedFrom || alignment > kPage) {
    // aligned_alloc wants a multiple of the alignment.
    size_t rounded = (size + alignment - 1) / alignment * alignment;
    return rounded < size ? nullptr : std::aligned_alloc(alignment, rounded);
  }
  size_t rounded = (size + kPage - 1) / kPage * kPage;
  if (rounded < size)
    return nullptr;
  std::lock_guard<std::mutex> guard(c.lock);
  void *pointer = nullptr;
  auto it = c.free.find(rounded);
  if (it != c.free.end() && !it->second.empty()) {
    pointer = it->second.back().pointer;
    it->second.pop_back();
    c.cachedBytes -= rounded;
    --c.cachedBlocks;
    ++c.reused;
  } else {
    pointer = std::aligned_alloc(kPage, rounded);
    if (!pointer && c.cachedBlocks > 0) {
      // Out of memory while holding freed blocks: give them back, retry.
      freeAll(c);
      pointer = std::aligned_alloc(kPage, rounded);
    }
    if (!pointer)
      return nullptr;
  }
  c.live.emplace(pointer, rounded);
  c.liveBytes += rounded;
  c.peakLiveBytes = std::max(c.peakLiveBytes, c.liveBytes);
  return pointer;
}

void release(void *pointer) {
  if (!pointer)
    return;
  Cache &c = cache();
  // A small block is never one of the cache's (those are >= 1 MiB): freed
  // without the lock, so that threads freeing small buffers do not queue.
  if (c.enabled && malloc_usable_size(pointer) >= kCachedFrom) {
    std::lock_guard<std::mutex> guard(c.lock);
    auto it = c.live.find(pointer);
    if (it != c.live.end()) {
      size_t size = it->second;
      c.live.erase(it);
      c.liveBytes -= size;
      if (c.cachedBytes + size <= c.peakLiveBytes) {
        c.free[size].push_back({pointer, c.generation});
        c.cachedBytes += size;
        ++c.cachedBlocks;
        return;
      }
    }
  }
  std::free(pointer);
}

void endOfCall() {
  Cache &c = cache();
  if (!c.enabled)
    return;
  std::lock_guard<std::mutex> guard(c.lock);
  // Blocks freed before this call began and not taken back during it.
  for (auto &[size, blocks] : c.free) {
    auto stale = std::stable_partition(
        blocks.begin(), blocks.end(),
        [&](const FreeBlock &b) { return b.releasedIn >= c.generation; });
    for (auto b = stale; b != blocks.end(); ++b)
      freeBlock(c, b->pointer, size);
    blocks.erase(stale, blocks.end());
  }
  for (auto it = c.free.begin(); it != c.free.end();)
    it = it->second.empty() ? c.free.erase(it) : std::next(it);
  ++c.generation;
}

void configureProcessAllocator() {
  static bool done = [] {
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    return true;
  }();
  (void)done;
}

void trim() {
  Cache &c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  freeAll(c);
}

CacheStats cacheStats() {
  Cache &c = cache();
  std::lock_guard<std::mutex> guard(c.lock);
  return {c.cachedBlocks, int64_t(c.cachedBytes), c.reused};
}

} // namespace buffers
} // namespace rt
} // namespace lp
