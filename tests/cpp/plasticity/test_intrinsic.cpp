// Oracle: the target rate. Unconnected LIF neurons driven by Poisson input of
// different rates (from silent to far above the target) all settle near it.
#include <gtest/gtest.h>

#include <algorithm>

#include <hebb/plasticity/intrinsic.hpp>

using namespace hebb::sim;

namespace {
// Rates [Hz] over the last 5 s of 20 s, of 40 unconnected LIF neurons driven by
// Poisson input from 500 to 4400 Hz of 30 pA events, with or without adaptation.
std::vector<double> late_rates(bool adapt) {
  network net({.dt = 0.1, .seed = 2});
  const std::size_t n = 40;
  net.add_population({.name = "n", .model = "lif_curr_exp", .size = n});
  std::vector<double> drive(n);
  for (std::size_t k = 0; k < n; ++k) drive[k] = 500.0 + 4000.0 * static_cast<double>(k) / n;
  net.add_poisson_input("n", drive, 30.0, receptor::exc);
  if (adapt)
    hebb::plasticity::add_intrinsic_adaptation(net, "n", {{"target", 10.0}, {"eta", 0.02}, {"tau_rate", 500.0}});
  const auto s = net.record_spikes("n");
  net.run(20000.0);
  std::vector<double> r(n);
  const auto& m = net.spike_monitors()[s];
  for (std::size_t i = 0; i < m.times.size(); ++i)
    if (m.times[i] > 15000.0) r[m.senders[i]] += 1.0 / 5.0;
  return r;
}
}  // namespace

TEST(intrinsic, rates_settle_at_the_target_from_above_and_below) {
  const auto fixed = late_rates(false), adapted = late_rates(true);
  // without adaptation the drives span the target widely...
  EXPECT_LT(*std::min_element(fixed.begin(), fixed.end()), 5.0);
  EXPECT_GT(*std::max_element(fixed.begin(), fixed.end()), 20.0);
  // ...with it every neuron fires near the target
  for (std::size_t k = 0; k < adapted.size(); ++k) EXPECT_NEAR(adapted[k], 10.0, 2.5) << "neuron " << k;
}

TEST(intrinsic, bad_parameters_name_the_population_and_key) {
  network net;
  net.add_population({.name = "n", .model = "lif_curr_exp", .size = 3});
  try {
    hebb::plasticity::add_intrinsic_adaptation(net, "n", {{"tau_rte", 3.0}});
    FAIL();
  } catch (const hebb::Error& e) {
    EXPECT_NE(std::string(e.what()).find("population 'n'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("did you mean 'tau_rate'"), std::string::npos) << e.what();
  }
}
