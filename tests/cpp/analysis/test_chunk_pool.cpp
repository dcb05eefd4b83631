// detail::chunk_pool (include/hebb/core/chunk_pool.hpp): every chunk runs exactly once, for
// any thread count; an exception thrown by a chunk reaches the caller (later chunks are
// skipped), and the pool keeps working; chunks see one OpenMP thread. And the
// HMM-GLM EM step, whose K·N GLM fits run on the pool, gives the same bits for 1 and 2
// threads.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include <omp.h>

#include <hebb/analysis/hmm_glm.hpp>
#include <hebb/core/chunk_pool.hpp>

#include "hmm_planted.hpp"

using hebb::detail::chunk_pool;

TEST(chunk_pool, runs_every_chunk_once_and_rethrows) {
  const int saved = omp_get_max_threads();
  for (int threads : {1, 2, 3}) {
    omp_set_num_threads(threads);
    for (std::size_t n : {0u, 1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> runs(n);
      std::atomic<int> max_omp{0};
      chunk_pool::instance().run(n, [&](std::size_t c) {
        runs[c].fetch_add(1);
        max_omp = std::max(max_omp.load(), omp_get_max_threads());
      });
      for (std::size_t c = 0; c < n; ++c) EXPECT_EQ(runs[c].load(), 1) << "chunk " << c << " of " << n;
      if (n > 0) EXPECT_EQ(max_omp.load(), 1);
      EXPECT_EQ(omp_get_max_threads(), threads);  // restored for the caller
    }
    std::atomic<int> ran{0};
    EXPECT_THROW(chunk_pool::instance().run(64, [&](std::size_t c) {
      ran.fetch_add(1);
      if (c == 5) throw std::runtime_error("chunk 5");
    }), std::runtime_error);
    EXPECT_GE(ran.load(), 1);
    EXPECT_LE(ran.load(), 64);
    if (threads == 1) EXPECT_EQ(ran.load(), 6);  // chunks 0-5, then the throw stops the loop
    std::atomic<int> after{0};
    chunk_pool::instance().run(10, [&](std::size_t) { after.fetch_add(1); });
    EXPECT_EQ(after.load(), 10);
  }
  omp_set_num_threads(saved);
}

TEST(chunk_pool, hmm_glm_em_step_is_the_same_for_one_and_two_threads) {
  using namespace hebb::analysis;
  const auto truth = hmm_test::planted(8, 3, 0.98, 5);
  const auto data = sample_hmm_glm(truth, 3000, 2);
  hmm_glm_params p;
  p.n_states = 3;
  p.basis = truth.basis;
  const int saved = omp_get_max_threads();
  std::vector<hmm_glm_model> out;
  std::vector<double> ll;
  for (int threads : {1, 2}) {
    omp_set_num_threads(threads);
    hmm_glm_model m = truth;
    for (auto& w : m.weights) w *= 0.5;
    ll.push_back(hmm_glm_em_step(m, data.counts, p));
    out.push_back(m);
  }
  omp_set_num_threads(saved);
  EXPECT_EQ(ll[0], ll[1]);
  EXPECT_EQ(out[0].bias, out[1].bias);
  EXPECT_EQ(out[0].transition, out[1].transition);
  for (std::size_t k = 0; k < 3; ++k) EXPECT_EQ(out[0].weights[k], out[1].weights[k]);
}
