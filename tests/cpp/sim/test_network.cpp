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
