#pragma once
// A fixed-size, uninitialised array for the big scratch arrays of the string
// algorithms (suffix arrays, LZ76 buckets). On Linux it asks for transparent huge
// pages: random access over tens of MB otherwise spends much of its time in TLB misses
// and first-touch page faults. Internal to src/analysis.
#include <cstddef>
#include <cstdlib>
#include <new>
#include <type_traits>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace hebb::analysis::detail {

template <class T>
class huge_buffer {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  huge_buffer() = default;
  explicit huge_buffer(std::size_t n) { reset(n); }
  huge_buffer(const huge_buffer&) = delete;
  huge_buffer& operator=(const huge_buffer&) = delete;
  ~huge_buffer() { std::free(p_); }

  void reset(std::size_t n) {
    std::free(p_);
    p_ = nullptr;
    n_ = n;
    if (n == 0) return;
    constexpr std::size_t huge = std::size_t{2} << 20;
    const std::size_t bytes = n * sizeof(T);
    if (bytes >= huge) {
      const std::size_t rounded = (bytes + huge - 1) / huge * huge;
      p_ = static_cast<T*>(std::aligned_alloc(huge, rounded));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
      if (p_) madvise(p_, rounded, MADV_HUGEPAGE);
#endif
    } else {
      p_ = static_cast<T*>(std::malloc(bytes));
    }
    if (!p_) throw std::bad_alloc();
  }
  T* data() { return p_; }
  const T* data() const { return p_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return p_[i]; }
  const T& operator[](std::size_t i) const { return p_[i]; }

 private:
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace hebb::analysis::detail
