// Oracle: a plain loop of Izhikevich (2003)'s scheme written here, and the firing
// patterns the paper's Fig. 2 shows for each preset under a step current.
#include <gtest/gtest.h>

#include <hebb/sim/network.hpp>

using namespace hebb::sim;

namespace {

struct preset {
  const char* name;
  double a, b, c, d;
};
constexpr preset presets[] = {{"RS", 0.02, 0.2, -65, 8}, {"IB", 0.02, 0.2, -55, 4}, {"CH", 0.02, 0.2, -50, 2},
                              {"FS", 0.1, 0.2, -65, 2},  {"LTS", 0.02, 0.25, -65, 2}};

// Reference: v with two Euler half steps, u with one; spike at v >= 30.
std::vector<double> reference(const preset& p, double I, double dt, double T) {
  double v = -65, u = p.b * v;
  std::vector<double> spikes;
  const auto n = static_cast<long>(T / dt + 0.5);
  for (long k = 0; k < n; ++k) {
    for (int h = 0; h < 2; ++h) v += 0.5 * dt * (0.04 * v * v + 5 * v + 140 - u + I);
    u += dt * p.a * (p.b * v - u);
    if (v >= 30) {
      spikes.push_back((k + 1) * dt);
      v = p.c;
      u += p.d;
    }
  }
  return spikes;
}

std::vector<double> engine(const preset& p, double I, double dt, double T) {
  network net({.dt = dt, .seed = 1});
  net.add_population({.name = "n", .model = "izhikevich", .size = 1, .preset = p.name});
  net.add_current_input("n", {0.0}, {I});
  const auto m = net.record_spikes("n");
  net.run(T);
  return net.spike_monitors()[m].times;
}

}  // namespace

TEST(izhikevich, presets_match_reference_counts_and_first_isi) {
  for (const auto& p : presets) {
    const auto ref = reference(p, 10.0, 0.1, 500.0);
    const auto got = engine(p, 10.0, 0.1, 500.0);
    ASSERT_GE(ref.size(), 3u) << p.name;
    EXPECT_NEAR(static_cast<double>(got.size()), static_cast<double>(ref.size()), 1.0) << p.name;
    ASSERT_GE(got.size(), 3u) << p.name;
    EXPECT_NEAR(got[1] - got[0], ref[1] - ref[0], 0.1 + 1e-9) << p.name;
    EXPECT_NEAR(got[0], ref[0], 0.1 + 1e-9) << p.name;
  }
}

TEST(izhikevich, presets_show_their_published_firing_patterns) {
  auto isis = [](const std::vector<double>& t) {
    std::vector<double> d;
    for (std::size_t k = 1; k < t.size(); ++k) d.push_back(t[k] - t[k - 1]);
    return d;
  };
  const auto rs = isis(engine(presets[0], 10, 0.1, 500));
  const auto ib = isis(engine(presets[1], 10, 0.1, 500));
  const auto ch = isis(engine(presets[2], 10, 0.1, 500));
  const auto fs = isis(engine(presets[3], 10, 0.1, 500));
  // RS: tonic spiking with adaptation (ISIs lengthen)
  EXPECT_GT(rs.back(), 1.5 * rs.front());
  // IB: an initial burst (short first ISI), then slower tonic spikes
  EXPECT_LT(ib.front(), 10.0);
  EXPECT_GT(ib.back(), 2.0 * ib.front());
  // CH: repetitive bursts: both short intra-burst and long inter-burst ISIs recur
  int short_isi = 0, long_isi = 0;
  for (double d : ch) (d < 10 ? short_isi : long_isi) += d < 10 || d > 20;
  EXPECT_GE(short_isi, 3);
  EXPECT_GE(long_isi, 3);
  // FS: fast spiking, little adaptation, more spikes than RS
  EXPECT_GT(fs.size(), 2 * rs.size());
  EXPECT_LT(fs.back(), 1.5 * fs[1]);
}
