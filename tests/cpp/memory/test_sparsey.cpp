// Sparsey mac (Rinkus 2014; Rinkus & Leveille 2017): SYSTEMS.md section 8.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <hebb/core/error.hpp>
#include <hebb/memory/dendritic_neuron.hpp>
#include <hebb/memory/sparsey.hpp>

using namespace hebb::memory;

namespace {
// Spearman rank correlation (average ranks on ties), written out as the oracle
std::vector<double> ranks(const std::vector<double>& x) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  std::vector<double> r(x.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && x[idx[j + 1]] == x[idx[i]]) ++j;
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = 0.5 * double(i + j);
    i = j + 1;
  }
  return r;
}
double spearman(const std::vector<double>& a, const std::vector<double>& b) {
  const auto ra = ranks(a), rb = ranks(b);
  const double n = double(a.size());
  double ma = 0, mb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) ma += ra[i] / n, mb += rb[i] / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) * (ra[i] - ma);
    sbb += (rb[i] - mb) * (rb[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}
const sparsey_params base{.inputs = 1000, .modules = 16, .units = 16, .seed = 5};
constexpr std::int64_t active = 20;
}  // namespace

TEST(sparsey, learning_sets_weights_from_active_inputs_to_winners) {
  sparsey_mac mac(base);
  const auto x = random_pattern(1000, active, 1, 0);
  EXPECT_DOUBLE_EQ(mac.familiarity(x), 0.0);
  const auto code = mac.learn(x);
  EXPECT_EQ(code.size(), 16u);
  EXPECT_EQ(mac.stored(), 1);
  // exactly |A| Q weights set
  EXPECT_DOUBLE_EQ(mac.weight_density(), double(active * 16) / (1000.0 * 16 * 16));
  const auto v = mac.match(x);
  for (std::size_t c = 0; c < 16; ++c)
    for (std::size_t i = 0; i < 16; ++i) EXPECT_DOUBLE_EQ(v[c * 16 + i], i == code[c] ? 1.0 : 0.0);
  EXPECT_DOUBLE_EQ(mac.familiarity(x), 1.0);
  // CSA probabilities sum to one in each module
  const auto p = mac.probabilities(x);
  for (std::size_t c = 0; c < 16; ++c) {
    double z = 0;
    for (std::size_t i = 0; i < 16; ++i) z += p[c * 16 + i];
    EXPECT_NEAR(z, 1.0, 1e-12);
  }
}

// Exact code reactivation for 100% of the stored items below capacity.
TEST(sparsey, exact_reactivation_below_capacity) {
  sparsey_mac mac(base);
  std::vector<std::vector<std::uint32_t>> xs, codes;
  for (int k = 0; k < 100; ++k) {
    xs.push_back(random_pattern(1000, active, 2, k));
    codes.push_back(mac.learn(xs.back()));
  }
  int exact = 0;
  for (int k = 0; k < 100; ++k) exact += mac.recall(xs[k]) == codes[k];
  EXPECT_EQ(exact, 100);
}

// Novel inputs: familiarity below the floor gives a uniform choice, so a new code
// shares Q/K units with a stored one on average (SYSTEMS.md: Q/K +- 20%).
TEST(sparsey, novel_item_overlap_is_q_over_k) {
  sparsey_mac mac(base);
  std::vector<std::vector<std::uint32_t>> codes;
  for (int k = 0; k < 100; ++k) codes.push_back(mac.learn(random_pattern(1000, active, 3, k)));
  double total = 0, g = 0;
  int pairs = 0;
  for (int t = 0; t < 200; ++t) {
    const auto x = random_pattern(1000, active, 4, t);
    g += mac.familiarity(x) / 200;
    const auto c = mac.sample(x, t);
    for (const auto& s : codes) total += double(sparsey_mac::code_overlap(c, s)), ++pairs;
  }
  const double mean = total / pairs, expect = 16.0 / 16.0;
  std::printf("novel: mean G = %.3f, mean code overlap = %.3f (Q/K = %.3f)\n", g, mean, expect);
  EXPECT_NEAR(mean, expect, 0.2 * expect);
}

// Similar inputs get similar codes: Spearman(input overlap, code overlap) >= 0.8.
TEST(sparsey, similarity_preservation) {
  sparsey_mac mac(base);
  std::vector<std::vector<std::uint32_t>> xs, codes;
  for (int k = 0; k < 50; ++k) {
    xs.push_back(random_pattern(1000, active, 6, k));
    codes.push_back(mac.learn(xs.back()));
  }
  std::vector<double> in, out;
  for (int t = 0; t < 400; ++t) {
    const int k = t % 50, keep_v = int(t % 21);  // 0..20 inputs replaced
    const auto probe = add_noise(xs[k], 1000, keep_v, 7, t);
    in.push_back(1.0 - keep_v / double(active));
    out.push_back(double(sparsey_mac::code_overlap(mac.sample(probe, 1000 + t), codes[k])));
  }
  const double rho = spearman(in, out);
  std::printf("similarity preservation: Spearman = %.3f\n", rho);
  EXPECT_GE(rho, 0.8);
}

TEST(sparsey, bad_input) {
  EXPECT_THROW(sparsey_mac({.inputs = 0}), hebb::Error);
  EXPECT_THROW(sparsey_mac({.inputs = 10, .modules = 4, .units = 1}), hebb::Error);
  EXPECT_THROW(sparsey_mac({.inputs = 10, .familiarity_floor = 1.0}), hebb::Error);
  sparsey_mac mac({.inputs = 10, .modules = 4, .units = 4});
  const std::vector<std::uint32_t> none;
  EXPECT_THROW(mac.learn(none), hebb::Error);       // empty input
  const std::vector<std::uint32_t> out_of_range{3, 10};
  EXPECT_THROW(mac.recall(out_of_range), hebb::Error);
  const std::vector<std::uint8_t> not_binary{0, 1, 2};
  EXPECT_THROW(sparsey_mac::active_of(not_binary), hebb::Error);
  const std::vector<std::uint32_t> a{1, 2}, b{1, 2, 3};
  EXPECT_THROW(sparsey_mac::code_overlap(a, b), hebb::Error);
}
