// Oracles: identity-keyed randomness (same seed -> same spikes for 1 and 2 threads,
// another seed -> other spikes); the memory estimate; unknown names.
#include <gtest/gtest.h>

#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {
std::pair<std::vector<double>, std::vector<std::uint32_t>> run_net(std::uint64_t seed, int threads,
                                                                   const std::string& precision) {
  network net({.dt = 0.1, .seed = seed, .threads = threads, .precision = precision});
  net.add_population({.name = "e", .model = "lif_cond_exp", .size = 800});
  net.add_population({.name = "i", .model = "lif_cond_exp", .size = 200});
  net.add_population({.name = "ext", .model = "poisson", .size = 100, .params = {{"rate", 20.0}}});
  projection_args ee;
  ee.connect.rule = "fixed_probability";
  ee.connect.p = 0.05;
  ee.weight.k = value_spec::kind::normal;
  ee.weight.mean = 1.0;
  ee.weight.sd = 0.3;
  ee.weight.low = 0;
  ee.delay.k = value_spec::kind::uniform;
  ee.delay.low = 0.1;
  ee.delay.high = 3.0;
  net.connect("e", "e", ee);
  net.connect("e", "i", ee);
  projection_args ie = ee;
  ie.port = receptor::inh;
  ie.weight.mean = 8.0;
  net.connect("i", "e", ie);
  net.connect("i", "i", ie);
  projection_args xe = ee;
  xe.connect.p = 0.1;
  xe.weight = value_spec::constant(3.0);
  net.connect("ext", "e", xe);
  net.add_poisson_input("e", {1500.0}, 1.5, receptor::exc);
  net.add_poisson_input("i", {1500.0}, 1.5, receptor::exc);
  const auto m = net.record_spikes("e");
  net.run(300.0);
  return {net.spike_monitors()[m].times, net.spike_monitors()[m].senders};
}
}  // namespace

TEST(network, same_seed_same_spikes_for_one_and_two_threads) {
  for (const char* precision : {"double", "float"}) {
    const auto one = run_net(11, 1, precision);
    const auto two = run_net(11, 2, precision);
    ASSERT_GT(one.first.size(), 500u) << "the network must be active for the test to mean anything";
    EXPECT_EQ(one.first, two.first) << precision;
    EXPECT_EQ(one.second, two.second) << precision;
    const auto other = run_net(12, 1, precision);
    EXPECT_NE(one.second, other.second) << precision;
  }
}

TEST(network, too_large_is_refused_before_building_with_the_estimate) {
  network net({.dt = 0.1, .seed = 1, .threads = 1, .precision = "double", .memory_limit = 64e6});
  net.add_population({.name = "a", .model = "lif_curr_exp", .size = 100000});
  projection_args a;
  a.connect.rule = "fixed_indegree";
  a.connect.n = 1000;  // 1e8 synapses, about 1 GB
  try {
    net.connect("a", "a", a);
    FAIL() << "no error";
  } catch (const hebb::Error& e) {
    const std::string w = e.what();
    EXPECT_NE(w.find("estimated"), std::string::npos) << w;
    EXPECT_NE(w.find("limit"), std::string::npos) << w;
  }
  EXPECT_EQ(net.synapse_count(), 0u);
}

TEST(network, unknown_model_parameter_and_variable_name_the_closest) {
  network net;
  auto expect = [](auto f, const std::string& needle) {
    try {
      f();
      FAIL() << "no error for " << needle;
    } catch (const hebb::Error& e) {
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
    }
  };
  expect([&] { net.add_population({.name = "x", .model = "lif_cond_ex", .size = 3}); }, "did you mean 'lif_cond_exp'");
  expect([&] { net.add_population({.name = "x", .model = "lif_cond_exp", .size = 3, .params = {{"tau_syn_ex", 1.0}}}); },
         "did you mean 'tau_syn_exc'");
  expect([&] { net.add_population({.name = "x", .model = "lif_cond_exp", .size = 3, .params = {{"c_m", -1.0}}}); },
         "lif_cond_exp.c_m = -1 pF: must be > 0");
  expect([&] { net.add_population({.name = "x", .model = "izhikevich", .size = 3, .preset = "RZ"}); }, "did you mean 'RS'");
  net.add_population({.name = "ok", .model = "adex", .size = 3});
  expect([&] { net.record_state("ok", {"vv"}, {0}); }, "did you mean 'v'");
  expect([&] { net.record_state("ok", {"v"}, {5}); }, "outside the population");
}

// Oracle: the input each target receives, summed directly from the projections'
// synapse lists (targets, weights, delays) and the recorded source spikes. With
// synaptic time constants far below dt the propagator exp(-dt/tau) is exactly 0, so
// the recorded i_exc / i_inh after step s is exactly the input that arrived in step s.
// Integer weights make the sums exact in any order. The target population has an odd
// size (its ring rows are padded to whole cache lines), one projection has per-synapse
// delays, the other one delay, and 2 threads split every row at the range boundary.
TEST(network, delivered_input_equals_the_sum_over_synapses_and_spikes) {
  const std::size_t n_src = 37, n_tgt = 1003, steps = 300;
  const double dt = 0.1;
  std::vector<std::vector<double>> times(n_src);
  std::uint64_t x = 12345;
  auto next = [&] { return (x = x * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  for (std::size_t i = 0; i < n_src; ++i)
    for (std::size_t s = 1; s < 200; ++s)
      if (next() % 9 == 0) times[i].push_back(static_cast<double>(s) * dt);
  projection_args het;  // per-synapse delays of 1..25 steps, weights 1..4 pA
  het.connect.rule = "explicit";
  het.weight.k = value_spec::kind::array;
  het.delay.k = value_spec::kind::array;
  for (std::size_t i = 0; i < n_src; ++i)
    for (std::size_t t = 0; t < n_tgt; ++t)
      if (next() % 5 == 0) {
        het.connect.sources.push_back(static_cast<std::int64_t>(i));
        het.connect.targets.push_back(static_cast<std::int64_t>(t));
        het.weight.values.push_back(static_cast<double>(1 + next() % 4));
        het.delay.values.push_back(static_cast<double>(1 + next() % 25) * dt);
      }
  projection_args uni;  // one delay of 3 steps, -2 pA
  uni.port = receptor::inh;
  uni.connect.rule = "fixed_probability";
  uni.connect.p = 0.1;
  uni.weight = value_spec::constant(-2.0);
  uni.delay = value_spec::constant(0.3);
  for (const char* precision : {"double", "float"})
    for (int threads : {1, 2}) {
      network net({.dt = dt, .seed = 3, .threads = threads, .precision = precision});
      net.add_population({.name = "src", .model = "spike_source", .size = n_src, .spike_times = times});
      net.add_population({.name = "tgt", .model = "lif_curr_exp", .size = n_tgt,
                          .params = {{"tau_syn_exc", 1e-6}, {"tau_syn_inh", 1e-6}}});
      net.connect("src", "tgt", het);
      net.connect("src", "tgt", uni);
      std::vector<std::uint32_t> all(n_tgt);
      for (std::size_t t = 0; t < n_tgt; ++t) all[t] = static_cast<std::uint32_t>(t);
      const auto ms = net.record_spikes("src");
      const auto mi = net.record_state("tgt", {"i_exc", "i_inh"}, all);
      net.run(static_cast<double>(steps) * dt);
      // oracle: expected[port][step * n_tgt + target]
      std::vector<std::vector<double>> expected(2, std::vector<double>(steps * n_tgt, 0.0));
      const auto& sp = net.spike_monitors()[ms];
      ASSERT_GT(sp.senders.size(), 300u);
      for (std::size_t k = 0; k < sp.senders.size(); ++k) {
        const auto fired = static_cast<std::size_t>(std::llround(sp.times[k] / dt)) - 1;  // step it fired in
        for (std::size_t p = 0; p < 2; ++p) {
          const projection& pr = *net.projections()[p];
          const auto rows = pr.row_ptr();
          const auto d = pr.delays();
          for (auto j = rows[sp.senders[k]]; j < rows[sp.senders[k] + 1]; ++j)
            if (fired + d[j] < steps) expected[p][(fired + d[j]) * n_tgt + pr.targets()[j]] += pr.weights()[j];
        }
      }
      const auto& rec = net.state_monitors()[mi];
      ASSERT_EQ(rec.times.size(), steps);
      std::size_t nonzero = 0;
      for (std::size_t p = 0; p < 2; ++p)
        for (std::size_t q = 0; q < steps * n_tgt; ++q) {
          ASSERT_EQ(rec.data[p][q], expected[p][q])
              << precision << ", " << threads << " threads, port " << p << ", step " << q / n_tgt << ", target " << q % n_tgt;
          nonzero += expected[p][q] != 0;
        }
      EXPECT_GT(nonzero, 10000u);
    }
}
