//===- BufferCache.h - large intermediate buffers kept across calls -------===//
//
// A train step allocates the same large intermediates (activations,
// gradients) on every call. glibc serves a block of more than 32 MiB with
// a fresh mmap, so each call pays one page fault per 4 KiB the step touches
// (the large MLP's 64 MiB weight gradient: 16384 faults, 11 ms of a 32 ms
// product). The allocation hooks keep such blocks instead: a block of at
// least 1 MiB that the step frees goes to a free list by its size and the
// next allocation of that size takes it back, already mapped. A block that
// no allocation took back during a whole call is released at the end of
// the next one, and the cached bytes never exceed the most bytes the
// step had live at once, so a step holds at most twice its peak (and the
// cache is emptied before an allocation fails for want of memory).
// LP_BUFFER_CACHE=0 turns the cache off (every block from malloc).
//
//===----------------------------------------------------------------------===//

#ifndef LP_RUNTIME_BUFFERCACHE_H
#define LP_RUNTIME_BUFFERCACHE_H

#include <cstddef>
#include <cstdint>

namespace lp {
namespace rt {
namespace buffers {

/// `size` bytes aligned to `alignment` (a power of two): a cached block
/// when one of that size is free, otherwise a new one; null when out of
/// memory. Small blocks come from aligned_alloc.
void *allocate(size_t alignment, size_t size);

/// Frees `pointer` (from allocate, or null): a large block goes back to the
/// cache.
void release(void *pointer);

/// The end of a step's call: releases the cached blocks that no
/// allocation took back since the previous call ended.
void endOfCall();

/// Frees every cached block (when no step will run for a while: the C
/// API's lp_step_free, the end of training). A failed allocation does it
/// too before giving up.
void trim();

/// Sets glibc's allocator for a process that runs steps (lp-run, lp-exec,
/// the Python package at its first compile): a step allocates and frees
/// the same buffers every call, and glibc serves blocks above 128 KiB with
/// a fresh mmap (returned with munmap) and trims the heap's top back to
/// the system, so every call would page-fault its activations in again.
/// A 32 MiB mmap threshold (glibc's largest) and a 512 MiB trim threshold
/// keep them in the heap; the cache above keeps the larger ones. (The
/// char LM's step from Python: 6.1 ms without, 4.4 ms with, lp-run's
/// 4.35.) Once per process; later calls do nothing.
void configureProcessAllocator();

/// What the cache holds now (for tests and the report).
struct CacheStats {
  int64_t cachedBlocks = 0, cachedBytes = 0;
  int64_t reused = 0; ///< allocations served from the cache so far
};
CacheStats cacheStats();

} // namespace buffers
} // namespace rt
} // namespace lp

#endif // LP_RUNTIME_BUFFERCACHE_H
