#pragma once
// Modern (continuous) Hopfield network: Ramsauer et al., "Hopfield Networks is All
// You Need" (ICLR 2021, arXiv:2008.02217).
//
//   X = (x_1 ... x_N)  stored patterns, the columns of a d x N matrix
//   energy   E(xi) = -1/beta log sum_i exp(beta x_i^T xi) + 1/2 xi^T xi
//                    + 1/beta log N + 1/2 M^2,           M = max_i ||x_i||
//   update   xi_new = X softmax(beta X^T xi)     (CCCP step: E never increases)
//   retrieval: one update, or updates iterated until ||xi_new - xi||_inf <= tol.
//   separation of pattern i: Delta_i = x_i^T x_i - max_{j != i} x_i^T x_j; one-step
//   retrieval has an exponentially small error when
//   Delta_i >= 2/(beta N) + 1/beta log(2 (N-1) N beta M^2)   (Theorem 4).
//
// Batches of queries are the columns of a d x B matrix. The update streams X once:
// patterns are cut into fixed blocks, each block keeps a running maximum, softmax
// normaliser and weighted sum (online softmax), and the blocks are merged in a fixed
// order. X is read from memory once per update instead of twice, and the result does
// not depend on the thread count (the blocking depends only on N, d and T).
// T is float or double.
#include <cstddef>
#include <vector>

#include <Eigen/Dense>

namespace hebb::memory {

template <class T>
class modern_hopfield {
public:
  using matrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>;  // column-major
  using vector = Eigen::Matrix<T, Eigen::Dynamic, 1>;

  // patterns: d x N, one stored pattern per column; beta > 0 (inverse temperature).
  modern_hopfield(matrix patterns, T beta);

  std::size_t dim() const { return static_cast<std::size_t>(x_.rows()); }
  std::size_t size() const { return static_cast<std::size_t>(x_.cols()); }
  T beta() const { return beta_; }
  const matrix& patterns() const { return x_; }
  // M = max_i ||x_i||
  T max_norm() const { return max_norm_; }

  // One update of every column of `queries` (d x B).
  matrix update(const matrix& queries) const;
  // Updates iterated until every column moves by at most tol (max norm) or max_steps
  // updates were made; `steps` (if given) receives the number made.
  matrix retrieve(const matrix& queries, int max_steps = 100, T tol = T(1e-6),
                  int* steps = nullptr) const;
  // softmax(beta X^T q) for every query: N x B.
  matrix weights(const matrix& queries) const;
  // E of every column of `states` (d x B).
  vector energy(const matrix& states) const;
  // Delta_i for every stored pattern (O(N^2 d)).
  vector separations() const;
  // The right-hand side of Theorem 4's retrieval condition.
  double separation_bound() const;

private:
  void check_queries(const matrix& q, const char* what) const;
  matrix x_;
  T beta_;
  T max_norm_;
};

extern template class modern_hopfield<float>;
extern template class modern_hopfield<double>;

}  // namespace hebb::memory
