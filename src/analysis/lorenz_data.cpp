#include <hebb/analysis/lorenz_data.hpp>

#include <array>
#include <cmath>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::analysis {

void lorenz_params::validate() const {
  require(n_trials >= 1, "lorenz.n_trials", static_cast<double>(n_trials), ">= 1");
  require(trial_length >= 2, "lorenz.trial_length", static_cast<double>(trial_length), ">= 2 bins");
  require(n_neurons >= 1, "lorenz.n_neurons", static_cast<double>(n_neurons), ">= 1");
  require(std::isfinite(bin) && bin > 0, "lorenz.bin", bin, "> 0 ms");
  require(std::isfinite(base_rate) && base_rate > 0, "lorenz.base_rate", base_rate, "> 0 Hz");
  require(std::isfinite(gain) && gain >= 0, "lorenz.gain", gain, ">= 0");
  require(std::isfinite(dt) && dt > 0 && dt <= 0.05, "lorenz.dt", dt, "in (0, 0.05] (RK4 stability)");
  require(steps_per_bin >= 1, "lorenz.steps_per_bin", static_cast<double>(steps_per_bin), ">= 1");
}

namespace {
using vec3 = std::array<double, 3>;
vec3 deriv(const vec3& u, const lorenz_params& p) {
  return {p.sigma * (u[1] - u[0]), u[0] * (p.rho - u[2]) - u[1], u[0] * u[1] - p.beta * u[2]};
}
vec3 rk4(const vec3& u, const lorenz_params& p) {
  auto add = [](const vec3& a, const vec3& b, double h) {
    return vec3{a[0] + h * b[0], a[1] + h * b[1], a[2] + h * b[2]};
  };
  const double h = p.dt;
  const vec3 k1 = deriv(u, p), k2 = deriv(add(u, k1, h / 2), p), k3 = deriv(add(u, k2, h / 2), p),
             k4 = deriv(add(u, k3, h), p);
  vec3 out;
  for (int d = 0; d < 3; ++d) out[d] = u[d] + h / 6 * (k1[d] + 2 * k2[d] + 2 * k3[d] + k4[d]);
  return out;
}
}  // namespace

lorenz_data make_lorenz_data(const lorenz_params& p) {
  p.validate();
  const auto T = static_cast<Eigen::Index>(p.trial_length);
  const auto R = static_cast<Eigen::Index>(p.n_trials);
  const auto N = static_cast<Eigen::Index>(p.n_neurons);
  // one long trajectory after a burn-in; trials start at random points of it
  const std::size_t burn = 2000, pool = 20000;
  vec3 u = {1.0, 1.0, 1.0};
  for (std::size_t i = 0; i < burn; ++i) u = rk4(u, p);
  std::vector<vec3> starts(pool);
  for (auto& s : starts) s = u = rk4(u, p);
  hebb::counter_rng pick(p.seed, stream::analysis, 1);
  lorenz_data d;
  d.latents.resize(R * T, 3);
  for (Eigen::Index r = 0; r < R; ++r) {
    vec3 v = starts[pick.below(pool)];
    for (Eigen::Index t = 0; t < T; ++t) {
      for (std::size_t k = 0; k < p.steps_per_bin; ++k) v = rk4(v, p);
      for (int k = 0; k < 3; ++k) d.latents(r * T + t, k) = v[k];
    }
  }
  for (int k = 0; k < 3; ++k) {  // standardise each latent
    auto c = d.latents.col(k);
    const double m = c.mean();
    const double sd = std::sqrt((c.array() - m).square().mean());
    c = ((c.array() - m) / sd).matrix();
  }
  hebb::counter_rng wr(p.seed, stream::analysis, 0);
  d.readout.resize(N, 3);
  for (Eigen::Index n = 0; n < N; ++n)
    for (int k = 0; k < 3; ++k) d.readout(n, k) = wr.normal() / std::sqrt(3.0);
  const double log_base = std::log(p.base_rate * p.bin * 1e-3);
  d.rates = ((d.latents * d.readout.transpose()).array() * p.gain + log_base).exp().matrix();
  d.counts.resize(R * T, N);
  for (Eigen::Index r = 0; r < R; ++r)
    for (Eigen::Index n = 0; n < N; ++n) {
      hebb::counter_rng sr(p.seed, stream::analysis,
                           (std::uint64_t{1} << 32) + static_cast<std::uint64_t>(r * N + n));
      for (Eigen::Index t = 0; t < T; ++t)
        d.counts(r * T + t, n) = static_cast<double>(sr.poisson(d.rates(r * T + t, n)));
    }
  return d;
}

}  // namespace hebb::analysis
