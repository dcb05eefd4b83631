// Oracles: the exact synapse counts of the rules that fix them, the binomial law of
// fixed_probability (within 4 sigma), and exact arrival d steps after the spike for
// every delay of a heterogeneous-delay projection.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {
network two_pops(std::size_t np, std::size_t nq) {
  network net({.dt = 0.1, .seed = 7});
  net.add_population({.name = "a", .model = "lif_curr_exp", .size = np});
  net.add_population({.name = "b", .model = "lif_curr_exp", .size = nq});
  return net;
}
projection_args rule(const std::string& r, double p = 0, std::int64_t n = 0, bool autapses = true) {
  projection_args a;
  a.connect.rule = r;
  a.connect.p = p;
  a.connect.n = n;
  a.connect.autapses = autapses;
  return a;
}
std::vector<std::size_t> indegrees(const projection& pr) {
  std::vector<std::size_t> d(pr.post().size());
  for (auto t : pr.targets()) ++d[t];
  return d;
}
}  // namespace

TEST(projection, rules_that_fix_counts_are_exact) {
  auto net = two_pops(300, 200);
  EXPECT_EQ(net.connect("a", "b", rule("all_to_all")).size(), 300u * 200u);
  EXPECT_EQ(net.connect("a", "a", rule("all_to_all", 0, 0, false)).size(), 300u * 299u);
  EXPECT_EQ(net.connect("a", "a", rule("one_to_one")).size(), 300u);
  auto& in = net.connect("a", "b", rule("fixed_indegree", 0, 17));
  for (auto d : indegrees(in)) ASSERT_EQ(d, 17u);
  auto& out = net.connect("a", "b", rule("fixed_outdegree", 0, 11));
  for (std::size_t s = 0; s < 300; ++s) ASSERT_EQ(out.row_ptr()[s + 1] - out.row_ptr()[s], 11u);
  // without multapses no pair repeats; without autapses no i -> i
  auto& self = net.connect("a", "a", rule("fixed_indegree", 0, 299, false));
  for (std::size_t s = 0; s < 300; ++s) {
    std::set<std::uint32_t> seen;
    for (auto k = self.row_ptr()[s]; k < self.row_ptr()[s + 1]; ++k) {
      ASSERT_NE(self.targets()[k], s);
      ASSERT_TRUE(seen.insert(self.targets()[k]).second);
    }
  }
}

TEST(projection, fixed_probability_count_within_four_sigma) {
  auto net = two_pops(1000, 800);
  for (double p : {0.02, 0.1, 0.5}) {
    const double n = 1000.0 * 800.0, mean = n * p, sd = std::sqrt(n * p * (1 - p));
    const auto& pr = net.connect("a", "b", rule("fixed_probability", p));
    EXPECT_NEAR(static_cast<double>(pr.size()), mean, 4 * sd) << "p = " << p;
    // and per target the in-degree is binomial(1000, p): its mean within 4 sigma too
    const auto d = indegrees(pr);
    double m = 0;
    for (auto x : d) m += static_cast<double>(x);
    m /= static_cast<double>(d.size());
    EXPECT_NEAR(m, 1000 * p, 4 * std::sqrt(1000 * p * (1 - p) / 800.0)) << "p = " << p;
  }
}

TEST(projection, every_delay_arrives_exactly_d_steps_later) {
  // one source spiking at 1.0 ms (emitted by step 9) onto 1000 targets with delays
  // of 1..1000 steps; the current of target k must jump in step 9 + d_k exactly
  const std::size_t K = 1000;
  const double dt = 0.1;
  network net({.dt = dt, .seed = 1});
  net.add_population({.name = "src", .model = "spike_source", .size = 1, .spike_times = {{1.0}}});
  net.add_population({.name = "n", .model = "lif_curr_exp", .size = K});
  projection_args a;
  a.connect.rule = "explicit";
  a.weight = value_spec::constant(1.0);
  a.delay.k = value_spec::kind::array;
  for (std::size_t k = 0; k < K; ++k) {
    a.connect.sources.push_back(0);
    a.connect.targets.push_back(static_cast<std::int64_t>(K - 1 - k));  // unsorted on purpose
    a.delay.values.push_back(static_cast<double>(K - k) * dt);          // target K-1-k gets K-k steps
  }
  net.connect("src", "n", a);
  std::vector<std::uint32_t> all(K);
  for (std::size_t k = 0; k < K; ++k) all[k] = static_cast<std::uint32_t>(k);
  const auto m = net.record_state("n", {"i_exc"}, all);
  net.run(1.0 + K * dt + 1.0);
  const auto& rec = net.state_monitors()[m];
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t d = k + 1;  // target k: delay k+1 steps
    std::size_t first = rec.times.size();
    for (std::size_t s = 0; s < rec.times.size(); ++s)
      if (rec.data[0][s * K + k] != 0) {
        first = s;
        break;
      }
    ASSERT_EQ(first, 9 + d) << "target " << k << " delay " << d;  // sample s = state after step s
  }
}

TEST(projection, bad_parameters_are_refused_with_the_key) {
  auto net = two_pops(10, 10);
  auto expect_error = [&](projection_args a, const std::string& needle) {
    try {
      net.connect("a", "b", a);
      FAIL() << "no error for " << needle;
    } catch (const hebb::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect_error(rule("fixed_probability", 1.5), "connect.p = 1.5");
  expect_error(rule("fixed_indegree", 0, 11), "exceeds the 10 possible sources");
  expect_error(rule("fixed_probabilty", 0.1), "did you mean 'fixed_probability'");
  auto d = rule("all_to_all");
  d.delay = value_spec::constant(0.01);
  expect_error(d, "below one step");
  d.delay = value_spec::constant(10000.0);
  expect_error(d, "above the maximum");
}
