#pragma once
// Runs fn(c) for the chunks c = 0 .. n-1 on the calling thread and the threads of a
// small pool (omp_get_max_threads() - 1 of them). Chunks are claimed one by one from
// a counter, and the caller returns as soon as every chunk is done: it never waits for
// a pool thread that has not claimed one. On a shared machine a pool thread that the
// OS has descheduled therefore costs nothing, where an OpenMP team would make each
// parallel region wait for it at the closing barrier (measured here: a 1e6-entry CP
// pass took 15 ms instead of 0.3 ms with another process on the second core). Which
// thread runs a chunk must not change its result: the caller's chunks write disjoint
// outputs in a fixed order. Chunks run with one OpenMP thread (code inside them, such
// as Eigen's products, starts no team of its own). Between jobs a pool thread polls for
// the next one for 200 µs before it sleeps: passes come back to back, and waking a
// sleeping thread (above all an idle virtual CPU) took longer than a pass here (a
// 1e6-entry CP fit ran in 24 ms after an idle pause, 11 ms while the threads were
// awake). The first exception a chunk throws is rethrown by run() once no chunk is
// running; chunks not yet started are skipped. The pool is never destroyed: its threads
// wait until the process ends (no join at exit, nothing to join in a forked child, where
// the caller then runs every chunk itself). Used by analysis (CP passes, the GLM fits of
// the HMM-GLMs).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

#include <omp.h>

namespace hebb::detail {

class chunk_pool {
 public:
  static chunk_pool& instance() {
    static chunk_pool* pool = new chunk_pool;  // leaked on purpose, see above
    return *pool;
  }

  // Concurrent callers take turns; a chunk must not call run() itself.
  void run(std::size_t n, const std::function<void(std::size_t)>& fn) {
    std::lock_guard<std::mutex> turn(run_mutex_);
    const int omp_threads = omp_get_max_threads();
    const auto helpers = static_cast<std::size_t>(std::max(1, omp_threads) - 1);
    omp_set_num_threads(1);
    if (helpers == 0 || n <= 1) {
      try {
        for (std::size_t c = 0; c < n; ++c) fn(c);
      } catch (...) {
        omp_set_num_threads(omp_threads);
        throw;
      }
      omp_set_num_threads(omp_threads);
      return;
    }
    std::uint64_t gen;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (; threads_ < helpers; ++threads_) std::thread([this] { work(); }).detach();
      gen = generation_.load(std::memory_order_relaxed) + 1;
      job_ = &fn;
      total_ = n;
      wanted_ = helpers;
      done_.store(0, std::memory_order_relaxed);
      error_ = nullptr;
      failed_.store(false, std::memory_order_relaxed);
      ticket_.store(gen << 32, std::memory_order_release);
      generation_.store(gen, std::memory_order_release);
    }
    wake_.notify_all();
    claim(gen, n, &fn);
    while (done_.load(std::memory_order_acquire) < n) std::this_thread::yield();
    omp_set_num_threads(omp_threads);
    if (error_) std::rethrow_exception(error_);
  }

 private:
  chunk_pool() = default;

  // Claims and runs chunks of job `gen` until none is left. The ticket holds the job's
  // generation (high 32 bits) and the next chunk (low 32 bits): a thread that wakes late
  // cannot claim a chunk of a later job with the function of an earlier one.
  void claim(std::uint64_t gen, std::size_t n, const std::function<void(std::size_t)>* fn) {
    std::uint64_t t = ticket_.load(std::memory_order_acquire);
    while ((t >> 32) == (gen & 0xffffffffu) && (t & 0xffffffffu) < n) {
      if (ticket_.compare_exchange_weak(t, t + 1, std::memory_order_acq_rel)) {
        if (!failed_.load(std::memory_order_acquire)) try {
            (*fn)(static_cast<std::size_t>(t & 0xffffffffu));
          } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!error_) error_ = std::current_exception();
            failed_.store(true, std::memory_order_release);
          }
        done_.fetch_add(1, std::memory_order_release);
        t = ticket_.load(std::memory_order_acquire);
      }
    }
  }

  [[noreturn]] void work() {
    std::uint64_t seen = 0;
    std::size_t index = 0;  // this thread's rank among the helpers, fixed at its first job
    {
      std::lock_guard<std::mutex> lock(mutex_);
      index = started_++;
    }
    omp_set_num_threads(1);
    for (;;) {
      const std::function<void(std::size_t)>* fn;
      std::size_t n;
      std::uint64_t gen;
      const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(200);
      while (generation_.load(std::memory_order_acquire) == seen && std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_ != seen && index < wanted_; });
        seen = gen = generation_;
        fn = job_;
        n = total_;
      }
      claim(gen, n, fn);
    }
  }

  std::mutex run_mutex_, mutex_;
  std::condition_variable wake_;
  std::size_t threads_ = 0;  // started (detached) pool threads
  std::atomic<std::uint64_t> generation_{0};
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t total_ = 0, wanted_ = 0, started_ = 0;
  std::atomic<std::uint64_t> ticket_{0};
  std::atomic<std::size_t> done_{0};
  std::exception_ptr error_;
  std::atomic<bool> failed_{false};
};

}  // namespace hebb::detail
