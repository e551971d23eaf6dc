// An allocator for the gridder's large buffers (items, grids, image accumulators): 2 MiB aligned
// and marked for transparent huge pages, because first-touch page faults on hundreds of MiB of
// 4 KiB pages cost a noticeable share of a gridding run, and huge pages also spare TLB misses.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

namespace ptclean::gridding {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  static constexpr std::size_t kHuge = std::size_t(2) << 20;
  static std::size_t roundedSize(std::size_t bytes) { return (bytes + kHuge - 1) / kHuge * kHuge; }

  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) {
      void* p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
      if (!p) throw std::bad_alloc();
      return static_cast<T*>(p);
    }
    // Large buffers come straight from mmap, aligned to 2 MiB by trimming an over-sized mapping:
    // the pages are zero when first touched (FftGrid relies on that) and return to the system
    // when freed.
    const std::size_t rounded = roundedSize(bytes);
    void* raw = mmap(nullptr, rounded + kHuge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED) throw std::bad_alloc();
    const std::uintptr_t start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kHuge - 1) / kHuge * kHuge;
    if (aligned > start) munmap(raw, aligned - start);
    const std::uintptr_t end = start + rounded + kHuge;
    if (end > aligned + rounded) munmap(reinterpret_cast<void*>(aligned + rounded), end - aligned - rounded);
    void* p = reinterpret_cast<void*>(aligned);
    madvise(p, rounded, MADV_HUGEPAGE);  // advice only: ignoring a failure is right
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge)
      std::free(p);
    else
      munmap(p, roundedSize(bytes));
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const noexcept { return true; }
};

template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

/// As HugePageAllocator, but resize() leaves new trivial elements unwritten: for buffers that a
/// parallel loop fills whole right after, where value-initialising would write them twice, and
/// on one thread, which then also takes every first-touch page fault.
template <typename T>
struct UnzeroedHugePageAllocator : HugePageAllocator<T> {
  using value_type = T;
  UnzeroedHugePageAllocator() = default;
  template <typename U>
  UnzeroedHugePageAllocator(const UnzeroedHugePageAllocator<U>&) noexcept {}
  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using UnzeroedHugeVector = std::vector<T, UnzeroedHugePageAllocator<T>>;

}  // namespace ptclean::gridding
