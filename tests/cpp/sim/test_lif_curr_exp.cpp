// Oracles: the closed-form membrane trajectory under constant current and after one
// synaptic event, and the analytic f-I curve of the LIF neuron.
#include <gtest/gtest.h>

#include <cmath>
#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {

// v(t) of a LIF neuron from v_rest under constant current I [pA] (subthreshold).
double v_closed(double t, double I, double tau_m = 20, double c_m = 250, double v_rest = -65) {
  return v_rest + I * tau_m / c_m * (1 - std::exp(-t / tau_m));
}

double max_rel_error_dc(const std::string& precision) {
  network net({.dt = 0.1, .seed = 1, .threads = 1, .precision = precision});
  const double I = 180;  // v_inf = -65 + 14.4 = -50.6 mV: subthreshold
  net.add_population({.name = "n", .model = "lif_curr_exp", .size = 1, .params = {{"i_offset", I}}});
  const auto m = net.record_state("n", {"v"}, {0});
  net.run(200.0);
  const auto& rec = net.state_monitors()[m];
  EXPECT_EQ(rec.times.size(), 2000u);
  double worst = 0;
  for (std::size_t k = 0; k < rec.times.size(); ++k) {
    const double truth = v_closed(rec.times[k], I);
    worst = std::max(worst, std::fabs(rec.data[0][k] - truth) / std::fabs(truth));
  }
  return worst;
}

}  // namespace

TEST(lif_curr_exp, dc_trajectory_equals_closed_form_double) { EXPECT_LE(max_rel_error_dc("double"), 1e-6); }

TEST(lif_curr_exp, dc_trajectory_equals_closed_form_float) { EXPECT_LE(max_rel_error_dc("float"), 1e-4); }

TEST(lif_curr_exp, psp_after_one_event_equals_closed_form) {
  // one spike at 1.0 ms, delay 1.0 ms: the current jumps by w at t0 = 2.0 ms, then
  // v - v_rest = w/c_m * tau_m tau_s/(tau_s - tau_m) (e^{-(t-t0)/tau_s} - e^{-(t-t0)/tau_m})
  network net({.dt = 0.1, .seed = 1});
  net.add_population({.name = "src", .model = "spike_source", .size = 1, .spike_times = {{1.0}}});
  net.add_population({.name = "n", .model = "lif_curr_exp", .size = 1});
  projection_args pa;
  pa.connect.rule = "one_to_one";
  pa.weight = value_spec::constant(500.0);
  pa.delay = value_spec::constant(1.0);
  net.connect("src", "n", pa);
  const auto m = net.record_state("n", {"v", "i_exc"}, {0});
  net.run(50.0);
  const auto& rec = net.state_monitors()[m];
  const double w = 500, c_m = 250, tm = 20, ts = 5, t0 = 2.0;
  for (std::size_t k = 0; k < rec.times.size(); ++k) {
    const double t = rec.times[k];
    const double dv = t < t0 - 1e-9 ? 0.0 : w / c_m * tm * ts / (ts - tm) * (std::exp(-(t - t0) / ts) - std::exp(-(t - t0) / tm));
    const double di = t < t0 - 1e-9 ? 0.0 : w * std::exp(-(t - t0) / ts);
    ASSERT_NEAR(rec.data[0][k] - (-65.0), dv, 1e-9) << "t = " << t;
    ASSERT_NEAR(rec.data[1][k], di, 1e-9) << "t = " << t;
  }
}

TEST(lif_curr_exp, firing_rate_equals_analytic_f_i_curve) {
  // suprathreshold I: ISI = t_ref + tau_m ln((v_inf - v_reset)/(v_inf - v_thresh));
  // on the time grid the free part is rounded up to whole steps.
  const double dt = 0.1, tm = 20, cm = 250, t_ref = 2.0;
  for (double I : {200.0, 300.0, 500.0, 1000.0}) {
    network net({.dt = dt, .seed = 1});
    net.add_population({.name = "n", .model = "lif_curr_exp", .size = 1, .params = {{"i_offset", I}}});
    const auto m = net.record_spikes("n");
    net.run(2000.0);
    const auto& t = net.spike_monitors()[m].times;
    ASSERT_GE(t.size(), 3u) << "I = " << I;
    const double v_inf = -65 + I * tm / cm;
    const double t_free = tm * std::log((v_inf + 65) / (v_inf + 50));
    const double isi_analytic = t_ref + t_free;
    const double isi_grid = t_ref + std::ceil(t_free / dt - 1e-9) * dt;
    const double isi = (t.back() - t.front()) / static_cast<double>(t.size() - 1);
    EXPECT_NEAR(isi, isi_grid, 1e-6) << "I = " << I;
    EXPECT_NEAR(1000 / isi, 1000 / isi_analytic, 1000 / isi_analytic * dt / isi_analytic) << "I = " << I;
  }
}
