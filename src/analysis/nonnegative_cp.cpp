#include <hebb/analysis/nonnegative_cp.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <Eigen/Dense>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::analysis {

void cp_params::validate() const {
  require(rank >= 1, "cp.rank", static_cast<double>(rank), ">= 1");
  require(max_iter >= 1, "cp.max_iter", max_iter, ">= 1");
  require(tol > 0, "cp.tol", tol, "> 0");
  require(restarts >= 1, "cp.restarts", restarts, ">= 1");
}

namespace {

using cmat = Eigen::MatrixXd;  // column-major factors: HALS walks columns
constexpr double eps = 1e-12;

// One HALS sweep over the columns of F given M (MTTKRP) and G (Hadamard of the other Grams).
void hals(cmat& F, const cmat& M, const cmat& G) {
  for (Eigen::Index r = 0; r < F.cols(); ++r) {
    if (G(r, r) <= 0) continue;
    F.col(r) = (F.col(r) + (M.col(r) - F * G.col(r)) / G(r, r)).cwiseMax(eps);
  }
}

// The two MTTKRP products over a fixed partition of the I·J rows, one block per loop
// iteration: inside the parallel loop Eigen's GEMM stays single-threaded (its own
// OpenMP threading collapsed on the loaded 2-core development machine: 30x slower),
// and the partial sums of XᵀKR are added in block order, so results do not depend on
// the thread count.
constexpr int n_blocks = 16;

void times_c(const Eigen::Map<const matrix>& X, const cmat& C, cmat& T) {
  const Eigen::Index rows = X.rows();
#pragma omp parallel for schedule(static)
  for (int b = 0; b < n_blocks; ++b) {
    const Eigen::Index s = rows * b / n_blocks, e = rows * (b + 1) / n_blocks;
    if (e > s) T.middleRows(s, e - s).noalias() = X.middleRows(s, e - s) * C;
  }
}

void transpose_times(const Eigen::Map<const matrix>& X, const cmat& KR, std::vector<cmat>& part, cmat& M) {
  const Eigen::Index rows = X.rows();
#pragma omp parallel for schedule(static)
  for (int b = 0; b < n_blocks; ++b) {
    const Eigen::Index s = rows * b / n_blocks, e = rows * (b + 1) / n_blocks;
    part[static_cast<std::size_t>(b)].setZero();
    if (e > s) part[static_cast<std::size_t>(b)].noalias() = X.middleRows(s, e - s).transpose() * KR.middleRows(s, e - s);
  }
  M.setZero();
  for (const auto& p : part) M += p;
}

}  // namespace

cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p) {
  p.validate();
  if (I == 0 || J == 0 || K == 0 || x.size() != I * J * K)
    throw Error("nonnegative_cp: tensor of {} values is not {} x {} x {}", x.size(), I, J, K);
  const std::size_t min_unfold = std::min({I * J, I * K, J * K});
  if (p.rank > min_unfold)
    throw Error("nonnegative_cp: rank {} is too large for a {} x {} x {} tensor (too few samples: at most "
                "min(IJ, IK, JK) = {})", p.rank, I, J, K, min_unfold);
  double norm2 = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!(x[i] >= 0) || !std::isfinite(x[i]))
      throw Error("nonnegative_cp: entry {} = {}: the tensor must be non-negative and finite", i, x[i]);
    norm2 += x[i] * x[i];
  }
  if (norm2 == 0) throw Error("nonnegative_cp: the tensor is all zeros");
  const auto R = static_cast<Eigen::Index>(p.rank);
  const auto Ii = static_cast<Eigen::Index>(I), Ji = static_cast<Eigen::Index>(J), Ki = static_cast<Eigen::Index>(K);
  // X as an (I·J) x K row-major matrix
  const Eigen::Map<const matrix> X(x.data(), Ii * Ji, Ki);
  const double scale = std::cbrt(std::sqrt(norm2 / static_cast<double>(x.size())));  // match the data's size

  cp_model best;
  best.relative_error = std::numeric_limits<double>::infinity();
  for (int rs = 0; rs < p.restarts; ++rs) {
    counter_rng rng(p.seed, stream::analysis, 0xC9u, static_cast<std::uint64_t>(rs));
    cmat A(Ii, R), B(Ji, R), C(Ki, R);
    for (auto* F : {&A, &B, &C})
      for (Eigen::Index r = 0; r < R; ++r)
        for (Eigen::Index i = 0; i < F->rows(); ++i) (*F)(i, r) = scale * rng.uniform();
    double err = std::numeric_limits<double>::infinity();
    bool converged = false;
    int it = 0;
    cmat T(Ii * Ji, R), KR(Ii * Ji, R), M1(Ii, R), M2(Ji, R), M3(Ki, R);
    std::vector<cmat> part(n_blocks, cmat(Ki, R));
    for (; it < p.max_iter; ++it) {
      times_c(X, C, T);  // T[(i,j), r] = Σ_k X_ijk C_kr
      M1.setZero();
      for (Eigen::Index i = 0; i < Ii; ++i)
        for (Eigen::Index j = 0; j < Ji; ++j) M1.row(i) += T.row(i * Ji + j).cwiseProduct(B.row(j));
      hals(A, M1, (B.transpose() * B).cwiseProduct(C.transpose() * C));
      M2.setZero();
      for (Eigen::Index i = 0; i < Ii; ++i)
        for (Eigen::Index j = 0; j < Ji; ++j) M2.row(j) += T.row(i * Ji + j).cwiseProduct(A.row(i));
      hals(B, M2, (A.transpose() * A).cwiseProduct(C.transpose() * C));
      for (Eigen::Index i = 0; i < Ii; ++i)
        for (Eigen::Index j = 0; j < Ji; ++j) KR.row(i * Ji + j) = A.row(i).cwiseProduct(B.row(j));
      transpose_times(X, KR, part, M3);
      const cmat GAB = (A.transpose() * A).cwiseProduct(B.transpose() * B);
      hals(C, M3, GAB);
      // |X - X̂|² = |X|² - 2<X, X̂> + |X̂|², <X, X̂> = Σ C ∘ M3, |X̂|² = Σ GAB ∘ CᵀC
      const double inner = C.cwiseProduct(M3).sum();
      const double model2 = GAB.cwiseProduct(C.transpose() * C).sum();
      const double e = std::sqrt(std::max(0.0, norm2 - 2 * inner + model2) / norm2);
      // rescale columns so no factor grows while another shrinks (λ moves into C)
      for (Eigen::Index r = 0; r < R; ++r) {
        const double na = A.col(r).norm(), nb = B.col(r).norm();
        if (na > 0 && nb > 0) {
          A.col(r) /= na;
          B.col(r) /= nb;
          C.col(r) *= na * nb;
        }
      }
      if (std::abs(err - e) < p.tol) {
        err = e;
        converged = true;
        ++it;
        break;
      }
      err = e;
    }
    if (err < best.relative_error) {
      best.relative_error = err;
      best.iterations = it;
      best.converged = converged;
      best.weights.resize(R);
      for (Eigen::Index r = 0; r < R; ++r) {
        const double nc = C.col(r).norm();
        best.weights(r) = nc;
        if (nc > 0) C.col(r) /= nc;
      }
      best.a = A;
      best.b = B;
      best.c = C;
    }
  }
  // order components by λ, largest first
  std::vector<Eigen::Index> order(static_cast<std::size_t>(R));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](auto u, auto v) { return best.weights(u) > best.weights(v); });
  cp_model out = best;
  for (Eigen::Index r = 0; r < R; ++r) {
    const auto s = order[static_cast<std::size_t>(r)];
    out.weights(r) = best.weights(s);
    out.a.col(r) = best.a.col(s);
    out.b.col(r) = best.b.col(s);
    out.c.col(r) = best.c.col(s);
  }
  if (!out.converged && p.require_convergence)
    throw Error("nonnegative_cp: HALS did not converge in max_iter = {} sweeps (relative error {:.4g}); raise "
                "cp.max_iter or cp.tol", p.max_iter, out.relative_error);
  return out;
}

std::vector<double> cp_reconstruct(const cp_model& m) {
  const Eigen::Index I = m.a.rows(), J = m.b.rows(), K = m.c.rows(), R = m.weights.size();
  std::vector<double> x(static_cast<std::size_t>(I * J * K), 0.0);
  for (Eigen::Index i = 0; i < I; ++i)
    for (Eigen::Index j = 0; j < J; ++j)
      for (Eigen::Index k = 0; k < K; ++k) {
        double s = 0;
        for (Eigen::Index r = 0; r < R; ++r) s += m.weights(r) * m.a(i, r) * m.b(j, r) * m.c(k, r);
        x[static_cast<std::size_t>((i * J + j) * K + k)] = s;
      }
  return x;
}

}  // namespace hebb::analysis
