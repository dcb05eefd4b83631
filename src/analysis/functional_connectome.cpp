#include <hebb/analysis/functional_connectome.hpp>

#include <cmath>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

void affinity_params::validate() const {
  require(window >= 3, "affinity.window", static_cast<double>(window), ">= 3 samples");
  require(step >= 1, "affinity.step", static_cast<double>(step), ">= 1 sample");
}

matrix differential_affinity(const Eigen::Ref<const matrix>& x, const affinity_params& p) {
  p.validate();
  const Eigen::Index T = x.rows(), N = x.cols();
  if (N < 2) throw Error("differential_affinity: {} neurons: need at least 2", N);
  if (T < static_cast<Eigen::Index>(p.window) + 1)
    throw Error("differential_affinity: {} samples: too few for one window of {} differences (need {})", T,
                p.window, p.window + 1);
  if (!x.allFinite()) throw Error("differential_affinity: traces contain NaN or inf");
  const matrix dx = x.bottomRows(T - 1) - x.topRows(T - 1);
  const auto L = static_cast<Eigen::Index>(p.window), S = static_cast<Eigen::Index>(p.step);
  const Eigen::Index W = (T - 1 - L) / S + 1, P = N * (N - 1) / 2;
  matrix a(W, P);
  for (Eigen::Index w = 0; w < W; ++w) {
    matrix z = dx.middleRows(w * S, L);
    z.rowwise() -= z.colwise().mean();
    Eigen::VectorXd norm = z.colwise().norm();
    for (Eigen::Index n = 0; n < N; ++n)
      if (norm(n) > 0) z.col(n) /= norm(n);
    const matrix r = z.transpose() * z;
    Eigen::Index k = 0;
    for (Eigen::Index n = 0; n < N; ++n)
      for (Eigen::Index m = n + 1; m < N; ++m, ++k)
        a(w, k) = (norm(n) > 0 && norm(m) > 0) ? std::max(0.0, r(n, m)) : 0.0;
  }
  return a;
}

}  // namespace hebb::analysis
