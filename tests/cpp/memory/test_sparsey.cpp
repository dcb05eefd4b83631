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

namespace {
// Learns `n` random items of `a` active inputs and rebuilds, outside the mac, the input
// set of every unit (the union of the items that unit won): the peer of the weights.
std::vector<std::vector<std::uint8_t>> learn_and_track(sparsey_mac& mac, int n, std::int64_t a,
                                                       std::uint64_t seed) {
  const auto& p = mac.params();
  std::vector<std::vector<std::uint8_t>> rf(std::size_t(p.modules * p.units),
                                            std::vector<std::uint8_t>(std::size_t(p.inputs), 0));
  for (int k = 0; k < n; ++k) {
    const auto x = random_pattern(p.inputs, a, seed, std::uint64_t(k));
    const auto code = mac.learn(x);
    for (std::size_t c = 0; c < code.size(); ++c)
      for (auto j : x) rf[c * std::size_t(p.units) + code[c]][j] = 1;
  }
  return rf;
}
}  // namespace

// V under both rules against set arithmetic on the rebuilt receptive fields: coverage
// |A n RF_i| / |A|, Jaccard |A n RF_i| / |A u RF_i|. Dense items (half the inputs
// active) on few units, so each unit holds the union of several items.
TEST(sparsey, match_rules_equal_set_arithmetic) {
  for (auto rule : {sparsey_match_rule::coverage, sparsey_match_rule::jaccard}) {
    sparsey_mac mac({.inputs = 60, .modules = 4, .units = 3, .match_rule = rule, .seed = 9});
    const auto rf = learn_and_track(mac, 30, 30, 10);
    for (int t = 0; t < 20; ++t) {
      const auto x = random_pattern(60, 1 + t, 11, std::uint64_t(t));
      std::vector<std::uint8_t> in(60, 0);
      for (auto j : x) in[j] = 1;
      const auto v = mac.match(x);
      for (std::size_t i = 0; i < rf.size(); ++i) {
        int inter = 0, uni = 0;
        for (std::size_t j = 0; j < 60; ++j) inter += in[j] && rf[i][j], uni += in[j] || rf[i][j];
        const double expect = rule == sparsey_match_rule::coverage ? double(inter) / double(x.size())
                                                                   : double(inter) / double(uni);
        EXPECT_NEAR(v[i], expect, 1e-12) << "unit " << i << " probe " << t;
      }
    }
  }
}

// Why the Jaccard rule exists: with dense inputs (150 of 500 active), a novel item is
// covered in large part by the union of the few items a unit holds, so under coverage
// it looks familiar, takes the already-used units (rich get richer) and recall loses
// the items; Jaccard also counts the unit's inputs that are off, novel items stay
// unfamiliar, and the synthetic Sparsey properties hold again on dense inputs: exact
// reactivation below capacity, noisy probes (30 of 150 active inputs moved) closest to
// their own code, similarity preservation of recalled codes (Spearman >= 0.8, probes
// with 0..150 inputs moved). (CSA draws, sample(), are not checked here: a unit holds
// ~3 items at this load, so the stored item's V is ~0.5, where the default sigmoid,
// midpoint 0.6, is still flat; measured Spearman of draws 0.2.)
TEST(sparsey, jaccard_rule_keeps_dense_items_apart) {
  double hit[2] = {0, 0};
  int exact[2] = {0, 0};
  for (int r = 0; r < 2; ++r) {
    const auto rule = r == 0 ? sparsey_match_rule::coverage : sparsey_match_rule::jaccard;
    sparsey_mac mac({.inputs = 500, .modules = 16, .units = 32, .match_rule = rule, .seed = 12});
    std::vector<std::vector<std::uint32_t>> xs, codes;
    for (int k = 0; k < 100; ++k) {
      xs.push_back(random_pattern(500, 150, 13, std::uint64_t(k)));
      codes.push_back(mac.learn(xs.back()));
    }
    for (int k = 0; k < 100; ++k) exact[r] += mac.recall(xs[k]) == codes[k];
    std::vector<double> in, out;
    for (int t = 0; t < 300; ++t) {
      const int k = t % 100;
      const auto c = mac.recall(add_noise(xs[k], 500, 30, 14, std::uint64_t(t)));
      std::int64_t best = -1, arg = -1;
      for (int s = 0; s < 100; ++s)
        if (auto o = sparsey_mac::code_overlap(c, codes[std::size_t(s)]); o > best) best = o, arg = s;
      hit[r] += (arg == k) / 300.0;
      const int moved = (7 * t) % 151;  // 0..150 of the 150 active inputs moved
      in.push_back(1.0 - moved / 150.0);
      out.push_back(double(
          sparsey_mac::code_overlap(mac.recall(add_noise(xs[k], 500, moved, 15, std::uint64_t(t))), codes[k])));
    }
    const double rho = spearman(in, out);
    std::printf("%s: exact %d/100, noisy probes identified %.3f, Spearman %.3f, weights set %.3f\n",
                r == 0 ? "coverage" : "jaccard", exact[r], hit[r], rho, mac.weight_density());
    if (rule == sparsey_match_rule::jaccard) {
      EXPECT_EQ(exact[r], 100);
      EXPECT_GE(hit[r], 0.95);
      EXPECT_GE(rho, 0.8);
    }
  }
  EXPECT_LE(exact[0], 50);  // the failure of coverage that motivates the rule
}

// The two weight stores are two layouts of the same weights: every code, V and the
// weight density agree exactly with the dense store (the oracle), for both match rules.
TEST(sparsey, list_storage_equals_dense) {
  for (auto rule : {sparsey_match_rule::coverage, sparsey_match_rule::jaccard}) {
    sparsey_params p{.inputs = 300, .modules = 8, .units = 12, .match_rule = rule, .seed = 21};
    p.storage = sparsey_storage::dense;
    sparsey_mac dense(p);
    p.storage = sparsey_storage::lists;
    sparsey_mac lists(p);
    EXPECT_FALSE(dense.list_storage());
    EXPECT_TRUE(lists.list_storage());
    for (int k = 0; k < 150; ++k) {
      const auto x = random_pattern(300, 40 + k % 30, 22, std::uint64_t(k));
      ASSERT_EQ(dense.learn(x), lists.learn(x)) << "item " << k;
    }
    for (int t = 0; t < 30; ++t) {
      const auto x = random_pattern(300, 50, 23, std::uint64_t(t));
      EXPECT_EQ(dense.match(x), lists.match(x));
      EXPECT_EQ(dense.recall(x), lists.recall(x));
      EXPECT_EQ(dense.sample(x, std::uint64_t(t)), lists.sample(x, std::uint64_t(t)));
    }
    EXPECT_DOUBLE_EQ(dense.weight_density(), lists.weight_density());
    EXPECT_GT(dense.weight_density(), 0.1);
  }
  // automatic: dense up to 2^26 input-unit pairs
  EXPECT_FALSE(sparsey_mac({.inputs = 1 << 16, .modules = 32, .units = 32}).list_storage());
  EXPECT_TRUE(sparsey_mac({.inputs = 1 << 16, .modules = 32, .units = 33}).list_storage());
}
