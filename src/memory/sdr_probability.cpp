#include <hebb/memory/sdr_probability.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <hebb/core/error.hpp>

namespace hebb::memory {

namespace {
constexpr double neg_inf = -std::numeric_limits<double>::infinity();

void check_segment(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta) {
  if (n < 1) throw Error("sdr: population n = {}: must be >= 1", n);
  if (a < 0 || a > n) throw Error("sdr: active cells a = {}: must be in [0, n = {}]", a, n);
  if (s < 1 || s > n) throw Error("sdr: synapses s = {}: must be in [1, n = {}]", s, n);
  if (theta < 1 || theta > s)
    throw Error("sdr: threshold theta = {}: must be in [1, s = {}] (a threshold above the "
                "segment size can never be reached)",
                theta, s);
}

// log(sum exp(x_i)) of the finite entries
double log_sum_exp(const std::vector<double>& x) {
  double m = neg_inf;
  for (double v : x) m = std::max(m, v);
  if (m == neg_inf) return neg_inf;
  double acc = 0;
  for (double v : x) acc += std::exp(v - m);
  return m + std::log(acc);
}
}  // namespace

double log_binomial(std::int64_t n, std::int64_t k) {
  if (n < 0) throw Error("log_binomial: n = {}: must be >= 0", n);
  if (k < 0 || k > n) return neg_inf;
  if (k == 0 || k == n) return 0.0;
  return std::lgamma(static_cast<double>(n) + 1) - std::lgamma(static_cast<double>(k) + 1) -
         std::lgamma(static_cast<double>(n - k) + 1);
}

double log_hypergeometric_tail(std::int64_t population, std::int64_t successes,
                               std::int64_t draws, std::int64_t k_min) {
  if (population < 0) throw Error("hypergeometric: population = {}: must be >= 0", population);
  if (successes < 0 || successes > population)
    throw Error("hypergeometric: successes = {}: must be in [0, population = {}]", successes,
                population);
  if (draws < 0 || draws > population)
    throw Error("hypergeometric: draws = {}: must be in [0, population = {}]", draws,
                population);
  const std::int64_t lo = std::max<std::int64_t>({k_min, 0, draws - (population - successes)});
  const std::int64_t hi = std::min(successes, draws);
  if (lo > hi) return neg_inf;
  const double denom = log_binomial(population, draws);
  std::vector<double> terms;
  terms.reserve(static_cast<std::size_t>(hi - lo + 1));
  for (std::int64_t b = lo; b <= hi; ++b)
    terms.push_back(log_binomial(successes, b) + log_binomial(population - successes, draws - b) -
                    denom);
  return std::min(0.0, log_sum_exp(terms));
}

double log_false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta) {
  check_segment(n, a, s, theta);
  return log_hypergeometric_tail(n, s, a, theta);
}

double false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta) {
  return std::exp(log_false_match(n, a, s, theta));
}

double log_neuron_false_match(std::int64_t n, std::int64_t a, std::int64_t s,
                              std::int64_t theta, std::int64_t segments) {
  if (segments < 1) throw Error("sdr: segments = {}: must be >= 1", segments);
  const double lp = log_false_match(n, a, s, theta);
  if (lp == neg_inf) return neg_inf;
  if (lp == 0.0) return 0.0;
  const double p = std::exp(lp);
  // P below the double range: (1-P)^m = 1 - m P to first order, exact to relative m P
  if (p == 0.0) return std::log(static_cast<double>(segments)) + lp;
  // ln(1-(1-P)^m) with (1-P)^m = exp(m log1p(-P)); expm1 keeps tiny values exact
  const double l1 = static_cast<double>(segments) * std::log1p(-p);
  return std::log(-std::expm1(l1));
}

double neuron_false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta,
                          std::int64_t segments) {
  return std::exp(log_neuron_false_match(n, a, s, theta, segments));
}

double log_noise_match(std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t v) {
  if (a < 1) throw Error("sdr noise: active cells a = {}: must be >= 1", a);
  if (s < 1 || s > a)
    throw Error("sdr noise: synapses s = {}: must be in [1, a = {}] (a segment samples the "
                "pattern's active cells)",
                s, a);
  if (theta < 1 || theta > s)
    throw Error("sdr noise: threshold theta = {}: must be in [1, s = {}]", theta, s);
  if (v < 0 || v > a) throw Error("sdr noise: replaced cells v = {}: must be in [0, a = {}]", v, a);
  // a-v retained cells drawn from the a original ones, s of which carry synapses
  return log_hypergeometric_tail(a, s, a - v, theta);
}

double noise_match(std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t v) {
  return std::exp(log_noise_match(a, s, theta, v));
}

decimal_probability to_decimal(double log_p) {
  if (log_p == neg_inf) return {0.0, 0};
  const double l10 = log_p / std::log(10.0);
  double e = std::floor(l10);
  double m = std::pow(10.0, l10 - e);
  if (m >= 10.0) {
    m /= 10.0;
    e += 1;
  }
  return {m, static_cast<std::int64_t>(e)};
}

}  // namespace hebb::memory
