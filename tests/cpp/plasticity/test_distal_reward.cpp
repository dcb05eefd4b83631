// Izhikevich (2007), Cereb. Cortex 17:2443, Fig. 1: the distal reward problem.
// 1000 Izhikevich neurons (800 RS, 200 FS), 100 synapses each, 1 ms delays, random
// 20-unit input at 1 Hz per neuron. One excitatory synapse n1 -> n2 starts at 0;
// every time n2 fires within 20 ms after n1, a reward (d += 0.5) follows after a
// random 1-3 s. Dopamine-modulated STDP (stdp_dopamine with Izhikevich's values) on
// all excitatory synapses. Oracle: the paper's result, that the rewarded synapse
// grows to the maximum weight (4) while the mean of the other excitatory synapses
// does not grow (it stays below its initial value 1).
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>

#include <hebb/core/rng.hpp>
#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {

struct distal_result {
  double w_rewarded = 0, mean_others = 0, rate_exc = 0;
  std::size_t rewards = 0;
  std::vector<double> w_trace;  // rewarded weight once per simulated second
};

distal_result distal_reward(double seconds, std::uint64_t seed, double eta, int threads = 1) {
  hebb::plasticity::register_rules();
  network net({.dt = 1.0, .seed = seed, .threads = threads});
  net.add_population({.name = "exc", .model = "izhikevich", .size = 800, .preset = "RS"});
  net.add_population({.name = "inh", .model = "izhikevich", .size = 200, .preset = "FS"});
  projection_args a;
  a.connect.rule = "fixed_outdegree";
  a.connect.autapses = false;
  a.delay = value_spec::constant(1.0);
  a.weight = value_spec::constant(1.0);
  a.name = "ee";
  a.connect.n = 80;
  net.connect("exc", "exc", a);
  a.name = "ei";
  a.connect.n = 20;
  net.connect("exc", "inh", a);
  a.name = "ie";
  a.connect.n = 100;
  a.port = receptor::inh;
  a.weight = value_spec::constant(-1.0);
  net.connect("inh", "exc", a);
  net.add_poisson_input("exc", {1.0}, 20.0, receptor::exc);
  net.add_poisson_input("inh", {1.0}, 20.0, receptor::exc);
  net.add_modulator("dopamine", 0.0);
  const rule_args da{"stdp_dopamine", {{"tonic", 0.002}, {"w_max", 4.0}, {"eta", eta}}, {{"modulator", "dopamine"}}};
  net.set_plasticity("ee", da);
  net.set_plasticity("ei", da);
  auto& ee = net.proj("ee");
  const std::uint32_t n1 = 0;
  const std::uint64_t k_syn = ee.row_ptr()[n1];
  const std::uint32_t n2 = ee.targets()[k_syn];
  ee.weights()[k_syn] = 0.0f;

  // reward: n2 fires within 20 ms after n1 -> d += 0.5 after 1-3 s
  auto rewards = std::make_shared<std::deque<std::uint64_t>>();
  auto state = std::make_shared<std::pair<std::int64_t, std::size_t>>(-1000000, 0);  // last n1 step, count
  const std::size_t exc_index = net.population_index("exc");
  net.add_step_hook([=](const step_view& v) {
    const auto& f = v.fired[exc_index];
    const auto s = static_cast<std::int64_t>(v.step);
    bool n2_fired = false;
    for (auto i : f) {
      if (i == n2) n2_fired = true;
    }
    if (n2_fired && s > state->first && (s - state->first) * v.dt <= 20.0) {
      hebb::counter_rng rng(seed, hebb::stream::experiment, state->second);
      const auto delay = static_cast<std::uint64_t>(1000.0 + 2000.0 * rng.uniform());
      rewards->push_back(v.step + delay);
      ++state->second;
      state->first = -1000000;  // one reward per n1 spike
    }
    for (auto i : f)
      if (i == n1) state->first = s;
    double m = 0;
    while (!rewards->empty() && rewards->front() <= v.step) {
      m += 0.5;
      rewards->pop_front();
    }
    v.net.set_modulator("dopamine", m);
  });
  distal_result r;
  const auto mon = net.record_rate("exc", 1000.0);
  for (int s = 0; s < static_cast<int>(seconds); ++s) {
    net.run(1000.0);
    r.w_trace.push_back(ee.weights()[k_syn]);
  }
  r.w_rewarded = ee.weights()[k_syn];
  double sum = 0;
  for (std::size_t k = 0; k < ee.size(); ++k)
    if (k != k_syn) sum += ee.weights()[k];
  r.mean_others = sum / static_cast<double>(ee.size() - 1);
  r.rewards = state->second;
  const auto& rate = net.rate_monitors()[mon].rate;
  for (double x : rate) r.rate_exc += x / static_cast<double>(rate.size());
  return r;
}

}  // namespace

// CI size: the paper's network and protocol for 1200 s with the learning rate tripled
// (eta = 0.3 /ms); with the paper's eta = 0.1 /ms the synapse reaches the maximum
// after about 3000 s (measured: 4.00 at 3125 s, mean of the others 0.45 at 3600 s),
// which `hebb reproduce`-size runs show (examples/plasticity/izhikevich2007.py).
TEST(distal_reward, rewarded_synapse_grows_to_the_maximum_and_the_others_do_not) {
  const char* env = std::getenv("HEBB_DISTAL_SECONDS");
  const double seconds = env ? std::atof(env) : 1200.0;
  const char* env_eta = std::getenv("HEBB_DISTAL_ETA");
  const double eta = env_eta ? std::atof(env_eta) : 0.3;
  const auto r = distal_reward(seconds, 1, eta);
  std::string trace;
  double peak = 0;
  for (std::size_t s = 0; s < r.w_trace.size(); ++s) {
    peak = std::max(peak, r.w_trace[s]);
    if (s % 50 == 0) trace += fmt::format("{}s:{:.2f} ", s, r.w_trace[s]);
  }
  std::printf("distal reward, %.0f s, eta %.2f: rewarded w = %.3f (peak %.3f), mean of others = %.3f, rewards = %zu, "
              "exc rate = %.2f Hz\n  %s\n",
              seconds, eta, r.w_rewarded, peak, r.mean_others, r.rewards, r.rate_exc, trace.c_str());
  EXPECT_GE(peak, 0.99 * 4.0) << "the rewarded synapse never reached the maximum";
  EXPECT_GE(r.w_rewarded, 0.75 * 4.0) << "the rewarded synapse did not stay near the maximum";
  EXPECT_LT(r.mean_others, 1.0) << "the other synapses grew on average (initial weight 1)";
}
