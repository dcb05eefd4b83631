#pragma once
// Shared by the HMM-GLM tests: a planted model with known connection types, and the
// best matching of fitted states onto true ones.
#include <algorithm>
#include <numeric>
#include <vector>

#include <hebb/analysis/hmm_glm.hpp>
#include <hebb/core/rng.hpp>

namespace hmm_test {
using namespace hebb::analysis;
// A planted model: K states, each with its own connection types (inh/none/exc drawn
// with probabilities 0.2/0.6/0.2) and strengths in [0.6, 1.2].
inline hmm_glm_model planted(Eigen::Index N, Eigen::Index K, double stay, std::uint64_t seed,
                      std::vector<Eigen::MatrixXi>* types = nullptr) {
  hebb::counter_rng r(seed, hebb::stream::analysis, 77);
  hmm_glm_model m;
  m.basis = {0.3, 0.15, 0.05};
  m.initial = Eigen::VectorXd::Constant(K, 1.0 / K);
  m.transition = matrix::Constant(K, K, (1 - stay) / (K - 1));
  m.transition.diagonal().setConstant(stay);
  m.bias.resize(K, N);
  for (Eigen::Index k = 0; k < K; ++k) {
    matrix w = matrix::Zero(N, N);
    Eigen::MatrixXi ty = Eigen::MatrixXi::Zero(N, N);
    for (Eigen::Index i = 0; i < N; ++i) {
      m.bias(k, i) = r.uniform(-1.0, 0.5);
      for (Eigen::Index j = 0; j < N; ++j) {
        const double u = r.uniform();
        ty(i, j) = u < 0.2 ? -1 : (u < 0.8 ? 0 : 1);
        w(i, j) = ty(i, j) * r.uniform(0.6, 1.2);
      }
    }
    m.weights.push_back(w);
    if (types) types->push_back(ty);
  }
  return m;
}

// The best permutation of fitted states onto true ones (brute force over K!).
inline std::vector<int> best_match(const std::vector<std::int64_t>& truth, const std::vector<std::int64_t>& fit, int K,
                            double* acc) {
  std::vector<int> perm(K), best;
  std::iota(perm.begin(), perm.end(), 0);
  double ba = -1;
  do {
    std::size_t hit = 0;
    for (std::size_t t = 0; t < truth.size(); ++t) hit += perm[fit[t]] == truth[t];
    const double a = static_cast<double>(hit) / truth.size();
    if (a > ba) ba = a, best = perm;
  } while (std::next_permutation(perm.begin(), perm.end()));
  *acc = ba;
  return best;
}
}  // namespace hmm_test
