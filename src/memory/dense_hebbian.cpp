#include <hebb/memory/dense_hebbian.hpp>

#include <array>
#include <cmath>
#include <numeric>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>
#include <hebb/memory/sdr_probability.hpp>

namespace hebb::memory {

dense_hebbian_data make_dense_hebbian_data(std::int64_t n, std::int64_t k, std::int64_t m,
                                           double r, std::uint64_t seed, std::uint64_t draw) {
  if (n < 1) throw Error("dense_hebbian data: N = {}: must be >= 1", n);
  if (k < 1) throw Error("dense_hebbian data: K = {}: must be >= 1", k);
  if (m < 1) throw Error("dense_hebbian data: M = {}: must be >= 1", m);
  if (!(r > 0 && r <= 1)) throw Error("dense_hebbian data: r = {}: must be in (0, 1]", r);
  dense_hebbian_data d;
  d.per_class = m;
  d.archetypes.resize(k, n);
  d.examples.resize(k * m, n);
  const double p_keep = 0.5 * (1.0 + r);
  for (std::int64_t mu = 0; mu < k; ++mu) {
    // one generator per (draw, archetype): archetype bits first, then the examples
    counter_rng g(seed, stream::memory, (draw << 20) | static_cast<std::uint64_t>(mu));
    for (std::int64_t i = 0; i < n; ++i) d.archetypes(mu, i) = (g.bits() & 1u) ? 1 : -1;
    for (std::int64_t a = 0; a < m; ++a)
      for (std::int64_t i = 0; i < n; ++i)
        d.examples(mu * m + a, i) = static_cast<std::int8_t>(
            g.uniform() < p_keep ? d.archetypes(mu, i) : -d.archetypes(mu, i));
  }
  return d;
}

Eigen::MatrixXd empirical_archetypes(const sign_matrix& ex, std::int64_t m, double r) {
  if (m < 1) throw Error("empirical_archetypes: per_class = {}: must be >= 1", m);
  if (!(r > 0 && r <= 1)) throw Error("empirical_archetypes: r = {}: must be in (0, 1]", r);
  if (ex.rows() == 0 || ex.rows() % m != 0)
    throw Error("empirical_archetypes: {} examples is not a positive multiple of per_class = {}",
                ex.rows(), m);
  for (Eigen::Index i = 0; i < ex.size(); ++i)
    if (ex.data()[i] != 1 && ex.data()[i] != -1)
      throw Error("empirical_archetypes: examples must be +1/-1 (found {})", static_cast<int>(ex.data()[i]));
  const Eigen::Index k = ex.rows() / m;
  Eigen::MatrixXd out = Eigen::MatrixXd::Zero(k, ex.cols());
  for (Eigen::Index mu = 0; mu < k; ++mu)
    for (Eigen::Index a = 0; a < m; ++a) out.row(mu) += ex.row(mu * m + a).cast<double>();
  return out / (r * static_cast<double>(m));
}

double expected_overlap(double r, std::int64_t m) {
  if (m < 1) throw Error("expected_overlap: M = {}: must be >= 1", m);
  if (!(r >= 0 && r <= 1)) throw Error("expected_overlap: r = {}: must be in [0, 1]", r);
  if (r == 1.0) return 1.0;
  // S = 2B - M with B ~ Bin(M, q): S > 0 <=> B > M/2
  const double q = 0.5 * (1.0 + r), lq = std::log(q), l1q = std::log1p(-q);
  double pos = 0, neg = 0;
  for (std::int64_t b = 0; b <= m; ++b) {
    const double pb = std::exp(log_binomial(m, b) + static_cast<double>(b) * lq +
                               static_cast<double>(m - b) * l1q);
    if (2 * b > m) pos += pb;
    else if (2 * b < m) neg += pb;
  }
  return pos - neg;
}

double dataset_entropy(double r, std::int64_t m) {
  if (m < 1) throw Error("dataset_entropy: M = {}: must be >= 1", m);
  if (!(r > 0 && r <= 1)) throw Error("dataset_entropy: r = {}: must be in (0, 1]", r);
  return (1.0 - r * r) / (static_cast<double>(m) * r * r);
}

double erf_overlap(double r, std::int64_t m) {
  const double rho = dataset_entropy(r, m);
  if (rho == 0) return 1.0;
  return std::erf(1.0 / std::sqrt(2.0 * rho));
}

dense_hebbian::dense_hebbian(Eigen::MatrixXd xibar, int p) : xi_(std::move(xibar)), p_(p) {
  if (p < 2 || p > 32) throw Error("dense_hebbian.P = {}: must be in [2, 32] (the interaction order)", p);
  if (xi_.rows() == 0) throw Error("dense_hebbian: no archetypes (an empty memory)");
  if (xi_.cols() == 0) throw Error("dense_hebbian: archetypes of size N = 0");
  if (!xi_.allFinite()) throw Error("dense_hebbian: the archetypes contain NaN or infinity");
  site_ = xi_.transpose();
}

void dense_hebbian::check_state(std::span<const std::int8_t> s, const char* what) const {
  if (s.size() != size())
    throw Error("dense_hebbian.{}: state has {} spins, the network N = {}", what, s.size(), size());
  for (std::size_t i = 0; i < s.size(); ++i)
    if (s[i] != 1 && s[i] != -1)
      throw Error("dense_hebbian.{}: spin {} = {}: must be +1/-1", what, i, static_cast<int>(s[i]));
}

Eigen::VectorXd dense_hebbian::overlaps(std::span<const std::int8_t> sigma) const {
  check_state(sigma, "overlaps");
  Eigen::VectorXd s(sigma.size());
  for (std::size_t i = 0; i < sigma.size(); ++i) s(static_cast<Eigen::Index>(i)) = sigma[i];
  return xi_ * s / static_cast<double>(size());
}

double dense_hebbian::energy(std::span<const std::int8_t> sigma) const {
  const Eigen::VectorXd m = overlaps(sigma);
  double h = 0;
  for (Eigen::Index mu = 0; mu < m.size(); ++mu) h -= std::pow(m(mu), p_);
  return h * static_cast<double>(size());
}

namespace {
// (m + d)^P - m^P = sum_{k=1}^{P} C(P,k) m^(P-k) d^k, without the cancellation of the
// direct difference when d is small (d ~ 1/N)
double power_difference(double m, double d, int p, const std::vector<double>& binom) {
  std::array<double, 33> mp;  // m^0 .. m^P (P <= 32, checked by the constructor)
  mp[0] = 1.0;
  for (int k = 1; k <= p; ++k) mp[static_cast<std::size_t>(k)] = mp[static_cast<std::size_t>(k) - 1] * m;
  double out = 0, dk = 1;
  for (int k = 1; k <= p; ++k) {
    dk *= d;
    out += binom[static_cast<std::size_t>(k)] * mp[static_cast<std::size_t>(p - k)] * dk;
  }
  return out;
}
}  // namespace

std::vector<std::int8_t> dense_hebbian::run(std::span<const std::int8_t> sigma, double temperature,
                                            int max_sweeps, bool stop_when_stable,
                                            std::uint64_t seed, std::uint64_t entity,
                                            int* sweeps) const {
  std::vector<std::int8_t> s(sigma.begin(), sigma.end());
  const auto n = static_cast<Eigen::Index>(size()), k = static_cast<Eigen::Index>(patterns());
  const double nn = static_cast<double>(n);
  std::vector<double> binom(static_cast<std::size_t>(p_) + 1, 1.0);
  for (int j = 1; j <= p_; ++j)
    binom[static_cast<std::size_t>(j)] = binom[static_cast<std::size_t>(j) - 1] * (p_ - j + 1) / j;
  std::vector<std::uint32_t> order(static_cast<std::size_t>(n));
  int done = 0;
  Eigen::VectorXd m(k);
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    // overlaps recomputed exactly at the start of each sweep (no drift)
    m.setZero();
    for (Eigen::Index i = 0; i < n; ++i) m += site_.row(i).transpose() * static_cast<double>(s[static_cast<std::size_t>(i)]);
    m /= nn;
    std::iota(order.begin(), order.end(), 0u);
    counter_rng r(seed, stream::memory, entity, static_cast<std::uint64_t>(sweep));
    for (std::size_t j = order.size() - 1; j > 0; --j) std::swap(order[j], order[r.below(j + 1)]);
    bool changed = false;
    for (auto i : order) {
      const double si = s[i];
      // flipping s_i changes m_mu by -2 xibar_i^mu s_i / N
      double dh = 0;
      for (Eigen::Index mu = 0; mu < k; ++mu)
        dh -= power_difference(m(mu), -2.0 * site_(i, mu) * si / nn, p_, binom);
      dh *= nn;
      bool flip;
      if (temperature == 0.0) flip = dh < 0;
      // heat bath (Glauber): P(flip) = 1/(1 + exp(dH/T)); unlike Metropolis it does
      // not flip every spin of a sweep when T >> |dH| (which inverts the state)
      else flip = r.uniform() * (1.0 + std::exp(dh / temperature)) < 1.0;
      if (flip) {
        for (Eigen::Index mu = 0; mu < k; ++mu) m(mu) -= 2.0 * site_(i, mu) * si / nn;
        s[i] = static_cast<std::int8_t>(-s[i]);
        changed = true;
      }
    }
    ++done;
    if (stop_when_stable && !changed) break;
  }
  if (sweeps) *sweeps = done;
  return s;
}

std::vector<std::int8_t> dense_hebbian::relax(std::span<const std::int8_t> sigma, std::uint64_t seed,
                                              std::uint64_t entity, int max_sweeps, int* sweeps) const {
  check_state(sigma, "relax");
  if (max_sweeps < 1) throw Error("dense_hebbian.relax: max_sweeps = {}: must be >= 1", max_sweeps);
  return run(sigma, 0.0, max_sweeps, true, seed, entity, sweeps);
}

std::vector<std::int8_t> dense_hebbian::sample(std::span<const std::int8_t> sigma, double temperature,
                                               int sweeps, std::uint64_t seed, std::uint64_t entity) const {
  check_state(sigma, "sample");
  if (!(temperature > 0) || !std::isfinite(temperature))
    throw Error("dense_hebbian.sample: temperature = {}: must be > 0 (use relax for T = 0)", temperature);
  if (sweeps < 0) throw Error("dense_hebbian.sample: sweeps = {}: must be >= 0", sweeps);
  return run(sigma, temperature, sweeps, false, seed, entity, nullptr);
}

}  // namespace hebb::memory
