#include <hebb/memory/modern_hopfield.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <hebb/core/error.hpp>

namespace hebb::memory {

template <class T>
modern_hopfield<T>::modern_hopfield(matrix patterns, T beta) : x_(std::move(patterns)), beta_(beta) {
  if (!(beta > 0) || !std::isfinite(static_cast<double>(beta)))
    throw Error("modern_hopfield.beta = {}: must be > 0 and finite", static_cast<double>(beta));
  if (x_.cols() == 0) throw Error("modern_hopfield: no stored patterns (an empty memory)");
  if (x_.rows() == 0) throw Error("modern_hopfield: patterns of dimension 0");
  if (!x_.allFinite()) throw Error("modern_hopfield: the patterns contain NaN or infinity");
  max_norm_ = x_.colwise().norm().maxCoeff();
}

template <class T>
void modern_hopfield<T>::check_queries(const matrix& q, const char* what) const {
  if (q.rows() != x_.rows())
    throw Error("modern_hopfield.{}: queries have dimension {} (rows), the stored patterns {}",
                what, q.rows(), x_.rows());
  if (!q.allFinite()) throw Error("modern_hopfield.{}: the queries contain NaN or infinity", what);
}

namespace {

// Patterns per cache block: about 256 KiB of patterns, so the second pass over a
// block (the weighted sum) reads it from cache.
template <class T>
Eigen::Index block_cols(Eigen::Index d) {
  return std::max<Eigen::Index>(8, (256 * 1024) / (d * static_cast<Eigen::Index>(sizeof(T))));
}

}  // namespace

template <class T>
typename modern_hopfield<T>::matrix modern_hopfield<T>::update(const matrix& q) const {
  check_queries(q, "update");
  const Eigen::Index d = x_.rows(), n = x_.cols(), b = q.cols();
  if (b == 0) return matrix(d, 0);
  // one query is memory-bound: blocks that stay in cache; a batch is compute-bound:
  // larger blocks make larger, more efficient products
  const Eigen::Index bc =
      b >= 8 ? std::max<Eigen::Index>((2048 * 1024) / (d * static_cast<Eigen::Index>(sizeof(T))), block_cols<T>(d))
             : block_cols<T>(d);
  // super-blocks: at most 64, whole cache blocks each; merged in index order
  const Eigen::Index nblocks = (n + bc - 1) / bc;
  const Eigen::Index per = (nblocks + 63) / 64;  // cache blocks per super-block
  const Eigen::Index nsuper = (nblocks + per - 1) / per;
  const T neg_inf = -std::numeric_limits<T>::infinity();

  std::vector<matrix> acc(static_cast<std::size_t>(nsuper));
  std::vector<Eigen::Matrix<T, 1, Eigen::Dynamic>> mx(static_cast<std::size_t>(nsuper)),
      sum(static_cast<std::size_t>(nsuper));
  const matrix qb = q * beta_;  // scores beta x^T q come out of one product

  // threads only when the work pays for waking them (~1 ms and up); the blocking, and
  // so the result, is the same either way
  const bool big = static_cast<double>(d) * static_cast<double>(n) * static_cast<double>(b) >= 4e6;
#pragma omp parallel for schedule(dynamic, 1) if (nsuper > 1 && big)
  for (Eigen::Index sidx = 0; sidx < nsuper; ++sidx) {
    matrix a = matrix::Zero(d, b);
    Eigen::Matrix<T, 1, Eigen::Dynamic> m = Eigen::Matrix<T, 1, Eigen::Dynamic>::Constant(b, neg_inf);
    Eigen::Matrix<T, 1, Eigen::Dynamic> l = Eigen::Matrix<T, 1, Eigen::Dynamic>::Zero(b);
    matrix s;
    const Eigen::Index c_end = std::min(n, (sidx + 1) * per * bc);
    for (Eigen::Index c0 = sidx * per * bc; c0 < c_end; c0 += bc) {
      const Eigen::Index c = std::min(bc, c_end - c0);
      const auto xb = x_.middleCols(c0, c);
      s.resize(c, b);
      s.noalias() = xb.transpose() * qb;
      const auto bm = s.colwise().maxCoeff();
      for (Eigen::Index j = 0; j < b; ++j) {
        const T mnew = std::max(m(j), bm(j));
        if (mnew > m(j)) {
          const T scale = m(j) == neg_inf ? T(0) : std::exp(m(j) - mnew);
          a.col(j) *= scale;
          l(j) *= scale;
          m(j) = mnew;
        }
        s.col(j) = (s.col(j).array() - mnew).exp();
        l(j) += s.col(j).sum();
      }
      a.noalias() += xb * s;
    }
    acc[static_cast<std::size_t>(sidx)] = std::move(a);
    mx[static_cast<std::size_t>(sidx)] = m;
    sum[static_cast<std::size_t>(sidx)] = l;
  }
  // merge in super-block order
  matrix out = matrix::Zero(d, b);
  for (Eigen::Index j = 0; j < b; ++j) {
    T m = neg_inf;
    for (Eigen::Index s = 0; s < nsuper; ++s) m = std::max(m, mx[s](j));
    T l = 0;
    for (Eigen::Index s = 0; s < nsuper; ++s) {
      const T w = std::exp(mx[s](j) - m);
      l += w * sum[s](j);
      out.col(j) += w * acc[s].col(j);
    }
    out.col(j) /= l;
  }
  return out;
}

template <class T>
typename modern_hopfield<T>::matrix modern_hopfield<T>::retrieve(const matrix& q, int max_steps,
                                                                 T tol, int* steps) const {
  check_queries(q, "retrieve");
  if (max_steps < 1) throw Error("modern_hopfield.retrieve: max_steps = {}: must be >= 1", max_steps);
  if (!(tol >= 0)) throw Error("modern_hopfield.retrieve: tol = {}: must be >= 0", static_cast<double>(tol));
  matrix cur = q;
  int k = 0;
  while (k < max_steps) {
    matrix nxt = update(cur);
    ++k;
    const T change = cur.cols() ? (nxt - cur).cwiseAbs().maxCoeff() : T(0);
    cur = std::move(nxt);
    if (change <= tol) break;
  }
  if (steps) *steps = k;
  return cur;
}

template <class T>
typename modern_hopfield<T>::matrix modern_hopfield<T>::weights(const matrix& q) const {
  check_queries(q, "weights");
  matrix s = beta_ * (x_.transpose() * q);
  for (Eigen::Index j = 0; j < s.cols(); ++j) {
    const T m = s.col(j).maxCoeff();
    s.col(j) = (s.col(j).array() - m).exp();
    s.col(j) /= s.col(j).sum();
  }
  return s;
}

template <class T>
typename modern_hopfield<T>::vector modern_hopfield<T>::energy(const matrix& states) const {
  check_queries(states, "energy");
  // computed in double: E is a difference of large terms when beta x^T xi is large
  const Eigen::MatrixXd s = (x_.transpose() * states).template cast<double>() * static_cast<double>(beta_);
  const double beta = beta_, n = static_cast<double>(x_.cols()), m = max_norm_;
  vector out(states.cols());
  for (Eigen::Index j = 0; j < states.cols(); ++j) {
    const double mx = s.col(j).maxCoeff();
    const double lse = mx + std::log((s.col(j).array() - mx).exp().sum());
    const double xi2 = states.col(j).template cast<double>().squaredNorm();
    out(j) = static_cast<T>(-lse / beta + 0.5 * xi2 + std::log(n) / beta + 0.5 * m * m);
  }
  return out;
}

template <class T>
typename modern_hopfield<T>::vector modern_hopfield<T>::separations() const {
  const matrix g = x_.transpose() * x_;
  vector out(x_.cols());
  for (Eigen::Index i = 0; i < x_.cols(); ++i) {
    T best = -std::numeric_limits<T>::infinity();
    for (Eigen::Index j = 0; j < x_.cols(); ++j)
      if (j != i) best = std::max(best, g(i, j));
    out(i) = g(i, i) - best;
  }
  return out;
}

template <class T>
double modern_hopfield<T>::separation_bound() const {
  const double n = static_cast<double>(x_.cols()), b = beta_, m = max_norm_;
  if (x_.cols() < 2) return 0.0;
  return 2.0 / (b * n) + std::log(2.0 * (n - 1) * n * b * m * m) / b;
}

template class modern_hopfield<float>;
template class modern_hopfield<double>;

}  // namespace hebb::memory
