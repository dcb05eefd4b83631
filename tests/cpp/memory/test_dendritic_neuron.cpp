// A neuron with dendritic segments (Ahmad & Hawkins 2016): learning, OR over
// segments, and Monte-Carlo rates against the exact formulas.
#include <gtest/gtest.h>

#include <cmath>

#include <hebb/core/error.hpp>
#include <hebb/memory/dendritic_neuron.hpp>
#include <hebb/memory/sdr_probability.hpp>

using namespace hebb::memory;

TEST(dendritic_neuron, learns_and_recognises_stored_patterns) {
  dendritic_neuron nrn({.n = 1000, .synapses = 20, .threshold = 10, .seed = 3});
  std::vector<std::vector<std::uint32_t>> pats;
  for (int k = 0; k < 30; ++k) {
    pats.push_back(random_pattern(1000, 50, 11, k));
    EXPECT_EQ(nrn.learn(pats.back()), std::size_t(k));
  }
  for (int k = 0; k < 30; ++k) {
    // every synapse of segment k is on a cell of pattern k
    const auto& seg = nrn.segment(k);
    EXPECT_EQ(seg.size(), 20u);
    for (auto c : seg) EXPECT_TRUE(std::binary_search(pats[k].begin(), pats[k].end(), c));
    EXPECT_EQ(nrn.overlaps(pats[k])[k], 20u);
    EXPECT_TRUE(nrn.fires(pats[k]));
  }
}

TEST(dendritic_neuron, add_noise_keeps_size_and_replaces_v) {
  const auto p = random_pattern(500, 40, 1, 0);
  const auto q = add_noise(p, 500, 15, 1, 1);
  ASSERT_EQ(q.size(), 40u);
  std::vector<std::uint32_t> common;
  std::set_intersection(p.begin(), p.end(), q.begin(), q.end(), std::back_inserter(common));
  EXPECT_EQ(common.size(), 25u);
  EXPECT_TRUE(std::adjacent_find(q.begin(), q.end()) == q.end());  // distinct
}

// The neuron's false-positive rate on random patterns is 1-(1-P)^m exactly (the m
// segments are independent uniform s-subsets, so given the pattern they match
// independently with probability P).
TEST(dendritic_neuron, false_positive_rate_matches_formula) {
  const std::int64_t n = 1000, a = 50, s = 20, theta = 5, m = 50, trials = 20000;
  dendritic_neuron nrn({.n = n, .synapses = s, .threshold = theta, .seed = 5});
  for (int k = 0; k < m; ++k) nrn.learn(random_pattern(n, a, 21, k));
  std::int64_t fired = 0;
  for (std::int64_t t = 0; t < trials; ++t) fired += nrn.fires(random_pattern(n, a, 22, t));
  const double p = neuron_false_match(n, a, s, theta, m);
  EXPECT_LT(std::abs(fired - trials * p), 3 * std::sqrt(trials * p * (1 - p)))
      << fired << " vs " << trials * p;
}

// A noisy version of a stored pattern makes the neuron fire with probability
// 1 - (1 - noise_match) (1 - P)^(m-1): its own segment, or any other by chance.
TEST(dendritic_neuron, noisy_patterns_classified_as_formula) {
  const std::int64_t n = 1000, a = 50, s = 20, theta = 8, m = 20, v = 30, trials = 6000;
  dendritic_neuron nrn({.n = n, .synapses = s, .threshold = theta, .seed = 9});
  std::vector<std::vector<std::uint32_t>> pats;
  for (int k = 0; k < m; ++k) {
    pats.push_back(random_pattern(n, a, 31, k));
    nrn.learn(pats.back());
  }
  std::int64_t fired = 0;
  for (std::int64_t t = 0; t < trials; ++t)
    fired += nrn.fires(add_noise(pats[t % m], n, v, 32, t));
  const double pf = false_match(n, a, s, theta);
  const double p = 1 - (1 - noise_match(a, s, theta, v)) * std::pow(1 - pf, m - 1);
  EXPECT_GT(p, 0.2);
  EXPECT_LT(p, 0.8);
  EXPECT_LT(std::abs(fired - trials * p), 3 * std::sqrt(trials * p * (1 - p)))
      << fired << " vs " << trials * p;
}

TEST(dendritic_neuron, bad_input) {
  EXPECT_THROW(dendritic_neuron({.n = 100, .synapses = 10, .threshold = 11}), hebb::Error);
  EXPECT_THROW(dendritic_neuron({.n = 100, .synapses = 0, .threshold = 0}), hebb::Error);
  dendritic_neuron nrn({.n = 100, .synapses = 10, .threshold = 5});
  const std::vector<std::uint32_t> few{1, 2, 3};
  EXPECT_THROW(nrn.learn(few), hebb::Error);                  // fewer cells than synapses
  const std::vector<std::uint32_t> out_of_range{1, 2, 300};
  EXPECT_THROW(nrn.overlaps(out_of_range), hebb::Error);
  const std::vector<std::uint32_t> repeated{1, 2, 2};
  EXPECT_THROW(nrn.overlaps(repeated), hebb::Error);
  EXPECT_THROW(nrn.segment(0), hebb::Error);                  // no segments yet
  try {
    dendritic_neuron({.n = 100, .synapses = 10, .threshold = 11});
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("dendritic_neuron.threshold = 11"), std::string::npos);
  }
}
