#include <hebb/analysis/rdm.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

namespace {
void check_finite(std::span<const double> v, const char* who) {
  for (std::size_t i = 0; i < v.size(); ++i)
    if (!std::isfinite(v[i])) throw Error("{}: entry {} = {}: values must be finite", who, i, v[i]);
}
}  // namespace

matrix rdm(const Eigen::Ref<const matrix>& x, rdm_metric metric) {
  const Eigen::Index n = x.rows(), f = x.cols();
  if (n < 2 || f < 1)
    throw Error("rdm: patterns are {}x{}: need at least 2 stimuli (rows) and 1 feature (column)", n, f);
  if (!x.allFinite()) throw Error("rdm: patterns contain NaN or inf");
  matrix d = matrix::Zero(n, n);
  if (metric == rdm_metric::euclidean) {
    for (Eigen::Index i = 0; i < n; ++i)
      for (Eigen::Index j = i + 1; j < n; ++j) d(i, j) = d(j, i) = (x.row(i) - x.row(j)).norm();
    return d;
  }
  if (f < 2) throw Error("rdm: correlation distance needs at least 2 features, got {}", f);
  matrix z = x.colwise() - x.rowwise().mean();
  for (Eigen::Index i = 0; i < n; ++i) {
    const double s = z.row(i).norm();
    if (s == 0)
      throw Error("rdm: pattern {} is constant over features: its correlation distance is undefined "
                  "(use the Euclidean metric)", i);
    z.row(i) /= s;
  }
  const matrix r = z * z.transpose();
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j) d(i, j) = d(j, i) = std::max(0.0, 1.0 - r(i, j));
  return d;
}

std::vector<double> rdm_vector(const Eigen::Ref<const matrix>& a) {
  const Eigen::Index n = a.rows();
  if (n != a.cols() || n < 2) throw Error("rdm_vector: matrix is {}x{}: must be square, at least 2x2", n, a.cols());
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(n * (n - 1) / 2));
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j) {
      if (std::abs(a(i, j) - a(j, i)) > 1e-9 * (std::abs(a(i, j)) + 1))
        throw Error("rdm_vector: matrix is not symmetric at ({}, {}): {} vs {}", i, j, a(i, j), a(j, i));
      v.push_back(a(i, j));
    }
  return v;
}

matrix rdm_square(std::span<const double> v) {
  const auto m = v.size();
  const auto n = static_cast<std::size_t>(std::llround((1.0 + std::sqrt(1.0 + 8.0 * static_cast<double>(m))) / 2.0));
  if (n < 2 || n * (n - 1) / 2 != m)
    throw Error("rdm_square: vector of length {} is not n(n-1)/2 for any n >= 2", m);
  matrix a = matrix::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = i + 1; j < n; ++j, ++k)
      a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = a(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = v[k];
  return a;
}

std::vector<double> rank_transform(std::span<const double> v) {
  // NaN is refused; +inf is allowed (RGDM's unreachable pairs rank last)
  for (std::size_t i = 0; i < v.size(); ++i)
    if (std::isnan(v[i])) throw Error("rank_transform: entry {} is NaN", i);
  std::vector<std::size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), std::size_t{0});
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j) + 1.0;
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

std::vector<double> rank_minmax(std::span<const double> v) {
  if (v.empty()) throw Error("rank_minmax: empty vector");
  auto r = rank_transform(v);
  const auto [lo, hi] = std::minmax_element(r.begin(), r.end());
  const double a = *lo, span = *hi - *lo;
  for (auto& x : r) x = span > 0 ? (x - a) / span : 0.0;
  return r;
}

double pearson(std::span<const double> a, std::span<const double> b) {
  if (a.size() != b.size() || a.size() < 2)
    throw Error("pearson: lengths {} and {}: must be equal and at least 2", a.size(), b.size());
  check_finite(a, "pearson");
  check_finite(b, "pearson");
  const double n = static_cast<double>(a.size());
  const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n, mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
  double sab = 0, saa = 0, sbb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  if (saa == 0 || sbb == 0) throw Error("pearson: a vector is constant: correlation undefined");
  return sab / std::sqrt(saa * sbb);
}

double spearman(std::span<const double> a, std::span<const double> b) {
  const auto ra = rank_transform(a), rb = rank_transform(b);
  return pearson(ra, rb);
}

}  // namespace hebb::analysis
