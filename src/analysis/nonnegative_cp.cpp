#include <hebb/analysis/nonnegative_cp.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <utility>

#include <Eigen/Dense>
#include <omp.h>

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
using rmat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
constexpr double eps = 1e-12;

// One HALS sweep over the columns of F given M (MTTKRP) and G (Hadamard of the other
// Grams); later columns see the earlier ones already updated. Plain loops over the
// contiguous columns: no temporaries (this is most of a sweep for small tensors).
void hals(cmat& F, const cmat& M, const cmat& G) {
  const Eigen::Index n = F.rows(), R = F.cols();
  double* f = F.data();
  for (Eigen::Index r = 0; r < R; ++r) {
    const double grr = G(r, r);
    if (grr <= 0) continue;
    const double* m = M.data() + r * n;
    double* fr = f + r * n;
    const double inv = 1.0 / grr;
    for (Eigen::Index i = 0; i < n; ++i) {
      double fg = 0;
      for (Eigen::Index q = 0; q < R; ++q) fg += f[q * n + i] * G(q, r);
      fr[i] = std::max(eps, fr[i] + (m[i] - fg) * inv);
    }
  }
}

// The two MTTKRPs, written for R <= 8 columns (compile-time R: accumulators stay in
// registers) and the tensor as an (I·J) x K row-major matrix, each one pass over X:
//   T[(i,j), r] = Σ_k X_ijk C_kr                      (then M1 = Σ_j T∘B, M2 = Σ_i T∘A)
//   M3[k, r]    = Σ_(i,j) X_ijk A_ir B_jr             (the Khatri-Rao rows made on the fly)
// Four rows of X at a time: for T, four dot products share each load of a column of
// C; for M3, four rank-one updates share each load and store of M3's column. Both are
// vectorised along k (omp simd).
template <int R>
void times_c_fixed(const double* X, Eigen::Index rows, Eigen::Index K, const double* ct, double* T, Eigen::Index ld) {
  Eigen::Index row = 0;
  for (; row + 4 <= rows; row += 4) {
    const double *x0 = X + row * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K;
    for (int r = 0; r < R; ++r) {
      const double* c = ct + r * K;
      double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma omp simd reduction(+ : s0, s1, s2, s3)
      for (Eigen::Index k = 0; k < K; ++k) {
        s0 += x0[k] * c[k];
        s1 += x1[k] * c[k];
        s2 += x2[k] * c[k];
        s3 += x3[k] * c[k];
      }
      T[row * ld + r] = s0;
      T[(row + 1) * ld + r] = s1;
      T[(row + 2) * ld + r] = s2;
      T[(row + 3) * ld + r] = s3;
    }
  }
  for (; row < rows; ++row) {
    const double* x0 = X + row * K;
    for (int r = 0; r < R; ++r) {
      const double* c = ct + r * K;
      double s0 = 0;
#pragma omp simd reduction(+ : s0)
      for (Eigen::Index k = 0; k < K; ++k) s0 += x0[k] * c[k];
      T[row * ld + r] = s0;
    }
  }
}

// mt: R x K row-major (= M3, K x R column-major); a: I x R, b: J x R column-major.
// Only the entries k in [k0, k1) are computed (the caller splits k between threads: each
// sum keeps its serial order, so the result does not depend on the thread count).
template <int R>
void mode3_fixed(const double* X, Eigen::Index I, Eigen::Index J, Eigen::Index K, Eigen::Index k0, Eigen::Index k1,
                 const double* a, const double* b, double* mt) {
  for (int r = 0; r < R; ++r) std::fill(mt + r * K + k0, mt + r * K + k1, 0.0);
  const Eigen::Index rows = I * J;
  auto w = [&](Eigen::Index row, int r) { return a[r * I + row / J] * b[r * J + row % J]; };
  Eigen::Index row = 0;
  for (; row + 4 <= rows; row += 4) {
    const double *x0 = X + row * K, *x1 = x0 + K, *x2 = x1 + K, *x3 = x2 + K;
    for (int r = 0; r < R; ++r) {
      const double w0 = w(row, r), w1 = w(row + 1, r), w2 = w(row + 2, r), w3 = w(row + 3, r);
      double* m = mt + r * K;
#pragma omp simd
      for (Eigen::Index k = k0; k < k1; ++k) m[k] += x0[k] * w0 + x1[k] * w1 + x2[k] * w2 + x3[k] * w3;
    }
  }
  for (; row < rows; ++row) {
    const double* x0 = X + row * K;
    for (int r = 0; r < R; ++r) {
      const double w0 = w(row, r);
      double* m = mt + r * K;
#pragma omp simd
      for (Eigen::Index k = k0; k < k1; ++k) m[k] += x0[k] * w0;
    }
  }
}

template <template <int> class Kernel, class... Args>
void dispatch(int width, Args&&... args) {
  switch (width) {
    case 1: Kernel<1>::run(args...); break;
    case 2: Kernel<2>::run(args...); break;
    case 3: Kernel<3>::run(args...); break;
    case 4: Kernel<4>::run(args...); break;
    case 5: Kernel<5>::run(args...); break;
    case 6: Kernel<6>::run(args...); break;
    case 7: Kernel<7>::run(args...); break;
    default: Kernel<8>::run(args...); break;
  }
}
template <int R>
struct times_c_k {
  static void run(const double* X, Eigen::Index rows, Eigen::Index K, const double* ct, double* T, Eigen::Index ld) {
    times_c_fixed<R>(X, rows, K, ct, T, ld);
  }
};
template <int R>
struct mode3_k {
  static void run(const double* X, Eigen::Index I, Eigen::Index J, Eigen::Index K, Eigen::Index k0, Eigen::Index k1,
                  const double* a, const double* b, double* mt) {
    mode3_fixed<R>(X, I, J, K, k0, k1, a, b, mt);
  }
};

// Tensors of at least this many entries (4 MB) are split between OpenMP threads: T = X C
// by rows, M3 = Xᵀ(A ⊙ B) by k. Each entry is still summed in the serial order, so the
// factors are the same for any thread count. Smaller tensors stay on one thread: there
// a parallel region costs more than the pass (measured on the shared 2-core machine).
constexpr Eigen::Index parallel_min_entries = Eigen::Index{1} << 19;

// Splits [0, n) into the calling thread's contiguous share (n itself when serial).
std::pair<Eigen::Index, Eigen::Index> my_share(Eigen::Index n, Eigen::Index align) {
  const Eigen::Index nt = omp_get_num_threads(), t = omp_get_thread_num();
  const Eigen::Index chunk = (n / nt + align - 1) / align * align;
  return {std::min(n, t * chunk), t + 1 == nt ? n : std::min(n, (t + 1) * chunk)};
}

// T = X C (T: (I·J) x R row-major) and M3 = Xᵀ(A ⊙ B), in blocks of at most 8 components
// (the columns of the column-major factors are contiguous).
void times_c(const double* X, Eigen::Index rows, Eigen::Index K, const cmat& C, rmat& T) {
  const auto R = static_cast<int>(C.cols());
#pragma omp parallel if (rows * K >= parallel_min_entries)
  {
    const auto [lo, hi] = my_share(rows, 4);
    for (int r0 = 0; r0 < R; r0 += 8)
      if (lo < hi)
        dispatch<times_c_k>(std::min(8, R - r0), X + lo * K, hi - lo, K, C.data() + r0 * K, T.data() + lo * R + r0,
                            Eigen::Index{R});
  }
}
void mode3(const double* X, const cmat& A, const cmat& B, Eigen::Index K, cmat& M3) {
  const auto R = static_cast<int>(A.cols());
  const Eigen::Index I = A.rows(), J = B.rows();
#pragma omp parallel if (I * J * K >= parallel_min_entries)
  {
    const auto [k0, k1] = my_share(K, 8);
    for (int r0 = 0; r0 < R; r0 += 8)
      if (k0 < k1)
        dispatch<mode3_k>(std::min(8, R - r0), X, I, J, K, k0, k1, A.data() + r0 * I, B.data() + r0 * J,
                          M3.data() + r0 * K);
  }
}

}  // namespace

namespace {

// Checks the tensor and the rank; returns |X|².
double check_tensor(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p) {
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
  return norm2;
}

struct fit_result {
  double err = std::numeric_limits<double>::infinity();
  int iterations = 0;
  bool converged = false;
};

// HALS sweeps from A, B, C (modified in place): modes 1, 2, 3, then the columns of A
// and B are scaled to unit norm with the scale moved into C.
fit_result hals_fit(const double* x, double norm2, cmat& A, cmat& B, cmat& C, const cp_params& p) {
  const Eigen::Index I = A.rows(), J = B.rows(), K = C.rows(), R = A.cols();
  fit_result out;
  rmat T(I * J, R);
  cmat M1(I, R), M2(J, R), M3(K, R);
  int it = 0;
  cmat AA(R, R), BB(R, R), CC(R, R), G(R, R);
  for (; it < p.max_iter; ++it) {
    times_c(x, I * J, K, C, T);  // T[(i,j), r] = Σ_k X_ijk C_kr
    CC.noalias() = C.transpose().lazyProduct(C);
    BB.noalias() = B.transpose().lazyProduct(B);
    M1.setZero();
    for (Eigen::Index i = 0; i < I; ++i)
      for (Eigen::Index j = 0; j < J; ++j) {
        const double* t = T.data() + (i * J + j) * R;
        for (Eigen::Index r = 0; r < R; ++r) M1(i, r) += t[r] * B(j, r);
      }
    G = BB.cwiseProduct(CC);
    hals(A, M1, G);
    AA.noalias() = A.transpose().lazyProduct(A);
    M2.setZero();
    for (Eigen::Index i = 0; i < I; ++i)
      for (Eigen::Index j = 0; j < J; ++j) {
        const double* t = T.data() + (i * J + j) * R;
        for (Eigen::Index r = 0; r < R; ++r) M2(j, r) += t[r] * A(i, r);
      }
    G = AA.cwiseProduct(CC);
    hals(B, M2, G);
    BB.noalias() = B.transpose().lazyProduct(B);
    mode3(x, A, B, K, M3);  // M3[k, r] = Σ_ij X_ijk A_ir B_jr
    const cmat& GAB = G = AA.cwiseProduct(BB);
    hals(C, M3, GAB);
    CC.noalias() = C.transpose().lazyProduct(C);
    // |X - X̂|² = |X|² - 2<X, X̂> + |X̂|², <X, X̂> = Σ C ∘ M3, |X̂|² = Σ GAB ∘ CᵀC
    const double inner = C.cwiseProduct(M3).sum();
    const double model2 = GAB.cwiseProduct(CC).sum();
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
    if (std::abs(out.err - e) < p.tol) {
      out.err = e;
      out.converged = true;
      ++it;
      break;
    }
    out.err = e;
  }
  out.iterations = it;
  return out;
}

// λ from C's column norms, components ordered by λ (largest first), convergence check.
cp_model finish(cmat A, cmat B, cmat C, const fit_result& f, const cp_params& p) {
  const Eigen::Index R = A.cols();
  Eigen::VectorXd w(R);
  for (Eigen::Index r = 0; r < R; ++r) {
    w(r) = C.col(r).norm();
    if (w(r) > 0) C.col(r) /= w(r);
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(R));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](auto u, auto v) { return w(u) > w(v); });
  cp_model out;
  out.weights.resize(R);
  out.a.resize(A.rows(), R);
  out.b.resize(B.rows(), R);
  out.c.resize(C.rows(), R);
  for (Eigen::Index r = 0; r < R; ++r) {
    const auto s = order[static_cast<std::size_t>(r)];
    out.weights(r) = w(s);
    out.a.col(r) = A.col(s);
    out.b.col(r) = B.col(s);
    out.c.col(r) = C.col(s);
  }
  out.relative_error = f.err;
  out.iterations = f.iterations;
  out.converged = f.converged;
  if (!out.converged && p.require_convergence)
    throw Error("nonnegative_cp: HALS did not converge in max_iter = {} sweeps (relative error {:.4g}); raise "
                "cp.max_iter or cp.tol", p.max_iter, out.relative_error);
  return out;
}

}  // namespace

cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p) {
  const double norm2 = check_tensor(x, I, J, K, p);
  const auto R = static_cast<Eigen::Index>(p.rank);
  const auto Ii = static_cast<Eigen::Index>(I), Ji = static_cast<Eigen::Index>(J), Ki = static_cast<Eigen::Index>(K);
  const double scale = std::cbrt(std::sqrt(norm2 / static_cast<double>(x.size())));  // match the data's size
  fit_result best;
  cmat bA, bB, bC;
  for (int rs = 0; rs < p.restarts; ++rs) {
    counter_rng rng(p.seed, stream::analysis, 0xC9u, static_cast<std::uint64_t>(rs));
    cmat A(Ii, R), B(Ji, R), C(Ki, R);
    for (auto* F : {&A, &B, &C})
      for (Eigen::Index r = 0; r < R; ++r)
        for (Eigen::Index i = 0; i < F->rows(); ++i) (*F)(i, r) = scale * rng.uniform();
    const fit_result f = hals_fit(x.data(), norm2, A, B, C, p);
    if (f.err < best.err || rs == 0) {
      best = f;
      bA = std::move(A);
      bB = std::move(B);
      bC = std::move(C);
    }
  }
  return finish(std::move(bA), std::move(bB), std::move(bC), best, p);
}

cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p,
                        const cp_start& start) {
  const double norm2 = check_tensor(x, I, J, K, p);
  const auto R = static_cast<Eigen::Index>(p.rank);
  const std::size_t dims[3] = {I, J, K};
  const matrix* given[3] = {&start.a, &start.b, &start.c};
  for (int m = 0; m < 3; ++m) {
    const matrix& F = *given[m];
    if (F.rows() != static_cast<Eigen::Index>(dims[m]) || F.cols() != R)
      throw Error("nonnegative_cp: start factor {} is {} x {}: must be {} x {} (mode size x cp.rank)", "abc"[m],
                  F.rows(), F.cols(), dims[m], R);
    if (!(F.array() >= 0).all() || !F.allFinite())
      throw Error("nonnegative_cp: start factor {} has negative or non-finite entries", "abc"[m]);
  }
  cmat A = start.a, B = start.b, C = start.c;
  const fit_result f = hals_fit(x.data(), norm2, A, B, C, p);
  return finish(std::move(A), std::move(B), std::move(C), f, p);
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
