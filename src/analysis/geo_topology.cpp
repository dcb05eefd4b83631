#include <hebb/analysis/geo_topology.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <hebb/analysis/rdm.hpp>
#include <hebb/core/error.hpp>

namespace hebb::analysis {

void geo_topological_params::validate() const {
  require(lower >= 0 && lower <= 1, "geo_topological.lower", lower, "in [0, 1]");
  require(upper >= lower && upper <= 1, "geo_topological.upper", upper, "in [lower, 1]");
}

double quantile(std::span<const double> v, double q) {
  if (v.empty()) throw Error("quantile: empty vector");
  require(q >= 0 && q <= 1, "quantile.q", q, "in [0, 1]");
  std::vector<double> s(v.begin(), v.end());
  std::sort(s.begin(), s.end());
  const double pos = q * static_cast<double>(s.size() - 1);
  const auto i = static_cast<std::size_t>(std::floor(pos));
  const double f = pos - static_cast<double>(i);
  return i + 1 < s.size() ? s[i] + f * (s[i + 1] - s[i]) : s[i];
}

std::vector<double> rgtm(std::span<const double> v, const geo_topological_params& p) {
  p.validate();
  auto d = rank_minmax(v);
  const double ql = quantile(d, p.lower), qu = quantile(d, p.upper);
  for (auto& x : d) {
    if (x < ql || (qu == ql && x <= ql))
      x = 0.0;
    else if (x > qu || qu == ql)
      x = 1.0;
    else
      x = (x - ql) / (qu - ql);
  }
  return d;
}

std::vector<double> rgdm(std::span<const double> v, double p) {
  require(p > 0 && p <= 1, "rgdm.p", p, "in (0, 1]");
  // edge weights = ranks (multiples of 1/2, > 0): no zero-length edge, and path sums are
  // exact in floating point, so equal geodesics tie exactly whatever the summation order
  const auto d = rank_transform(v);
  const matrix a = rdm_square(d);
  const Eigen::Index n = a.rows();
  const double thr = quantile(d, p), inf = std::numeric_limits<double>::infinity();
  matrix g(n, n);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < n; ++j) g(i, j) = i == j ? 0.0 : (a(i, j) <= thr ? a(i, j) : inf);
  for (Eigen::Index k = 0; k < n; ++k)  // Floyd-Warshall
    for (Eigen::Index i = 0; i < n; ++i) {
      const double gik = g(i, k);
      if (gik == inf) continue;
      for (Eigen::Index j = 0; j < n; ++j) g(i, j) = std::min(g(i, j), gik + g(k, j));
    }
  return rank_minmax(rdm_vector(g));
}

}  // namespace hebb::analysis
