#include <hebb/analysis/nonnegative_cp.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <memory>
#include <numeric>
#include <utility>

#include <sys/mman.h>

#include <Eigen/Dense>

#include <hebb/core/chunk_pool.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::analysis {

void cp_params::validate() const {
  require(rank >= 1, "cp.rank", static_cast<double>(rank), ">= 1");
  require(inner_alpha >= 0, "cp.inner_alpha", inner_alpha, ">= 0");
  require(inner_delta >= 0 && inner_delta < 1, "cp.inner_delta", inner_delta, "in [0, 1)");
  require(max_iter >= 1, "cp.max_iter", max_iter, ">= 1");
  require(tol > 0, "cp.tol", tol, "> 0");
  require(restarts >= 1, "cp.restarts", restarts, ">= 1");
}

namespace {

using cmat = Eigen::MatrixXd;  // factors and MTTKRPs: HALS walks columns
using rmat = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;  // kernel weights
constexpr double eps = 1e-12;

// One HALS sweep over the columns of F (n x R) given M (MTTKRP, n x R) and G (Hadamard
// of the other Grams, symmetric); later columns see the earlier ones already updated.
// Each column update is two vector passes over n entries: F G_:r (Eigen's matrix-vector
// product, column by column) into the scratch fg, then the projected update. Returns
// |F_new - F_old|²_F.
double hals(cmat& F, const cmat& M, const cmat& G, Eigen::VectorXd& fg) {
  const Eigen::Index n = F.rows(), R = F.cols();
  double moved = 0;
  for (Eigen::Index r = 0; r < R; ++r) {
    if (G(r, r) <= 0) continue;
    const double inv = 1.0 / G(r, r);
    fg.head(n).noalias() = F * G.col(r);
    const double* m = M.data() + r * n;
    const double* q = fg.data();
    double* fr = F.data() + r * n;
#pragma omp simd reduction(+ : moved)
    for (Eigen::Index i = 0; i < n; ++i) {
      const double next = std::max(eps, fr[i] + (m[i] - q[i]) * inv);
      moved += (next - fr[i]) * (next - fr[i]);
      fr[i] = next;
    }
  }
  return moved;
}

// Accelerated HALS (Gillis & Glineur 2012): the MTTKRP M costs far more than a sweep
// over F's columns, so F is swept again with the same M and G while a sweep still moves
// it by more than delta times the first sweep did, at most max_sweeps times. Returns the
// first sweep's |ΔF|².
double hals_inner(cmat& F, const cmat& M, const cmat& G, int max_sweeps, double delta, Eigen::VectorXd& fg) {
  const double first = hals(F, M, G, fg);
  for (int l = 1; l < max_sweeps; ++l)
    if (hals(F, M, G, fg) <= delta * delta * first) break;
  return first;
}

// The sweep cap 1 + α ρ, with ρ = 1 + (flops of the MTTKRP) / (flops of one sweep).
int inner_cap(double mttkrp_flops, Eigen::Index rows, Eigen::Index R, double alpha) {
  const double sweep = static_cast<double>(rows * R * (R + 2));
  return 1 + static_cast<int>(std::min(1e4, alpha * (1 + mttkrp_flops / sweep)));
}

// Both MTTKRPs are one product M = Yᵀ W, Y an n x m row-major matrix, W n x R row-major,
// M m x R column-major (stored as R rows of m):
//   T  = X C:          Y = Xᵀ (K x I·J, a transposed copy of X), W = C
//   M3 = Xᵀ(A ⊙ B):    Y = X (I·J x K),                          W = the rows a_i ∘ b_j
// Blocks of L columns of Y are summed in registers over a block of rows of Y (written
// for R <= 8 components: compile-time R and L keep the R·L sums in vector registers; no
// load or store of M per row, no horizontal sums); row blocks keep the strided reads
// within a few pages, and each row prefetches its block two blocks ahead. Each entry's
// sum has a fixed order (per row block, the even and the odd rows summed apart, then
// added), so splitting the columns [c0, c1) between threads does not change the result.
template <int R, int L, bool full>
void yt_w_block(const double* Y, Eigen::Index m, Eigen::Index row0, Eigen::Index row1, Eigen::Index col,
                Eigen::Index n, const double* W, Eigen::Index ldw, double* mt) {
  const Eigen::Index len = full ? L : n;
  // two sets of sums, even and odd rows: twice the independent FMA chains
  double acc[2][R][L];
  for (int r = 0; r < R; ++r)
    for (Eigen::Index l = 0; l < len; ++l) {
      acc[0][r][l] = row0 == 0 ? 0.0 : mt[r * m + col + l];
      acc[1][r][l] = 0.0;
    }
  Eigen::Index row = row0;
  for (; row + 2 <= row1; row += 2)
    for (int h = 0; h < 2; ++h) {
      const double* y = Y + (row + h) * m + col;
      const double* w = W + (row + h) * ldw;
      if constexpr (full) {  // for when the row block comes round again
        __builtin_prefetch(y + 2 * L);
        if constexpr (L > 8) __builtin_prefetch(y + 2 * L + 8);
      }
      for (int r = 0; r < R; ++r) {
        const double wr = w[r];
#pragma omp simd
        for (Eigen::Index l = 0; l < len; ++l) acc[h][r][l] += y[l] * wr;
      }
    }
  if (row < row1) {
    const double* y = Y + row * m + col;
    const double* w = W + row * ldw;
    for (int r = 0; r < R; ++r) {
      const double wr = w[r];
#pragma omp simd
      for (Eigen::Index l = 0; l < len; ++l) acc[0][r][l] += y[l] * wr;
    }
  }
  for (int r = 0; r < R; ++r)
    for (Eigen::Index l = 0; l < len; ++l) mt[r * m + col + l] = acc[0][r][l] + acc[1][r][l];
}

template <int R>
struct yt_w_kernel {
  static void run(const double* Y, Eigen::Index n, Eigen::Index m, Eigen::Index c0, Eigen::Index c1, const double* W,
                  Eigen::Index ldw, double* mt) {
    constexpr int L = R <= 4 ? 16 : 8;
    constexpr Eigen::Index row_block = 128;
    for (Eigen::Index row0 = 0; row0 < n; row0 += row_block) {
      const Eigen::Index row1 = std::min(n, row0 + row_block);
      Eigen::Index col = c0;
      for (; col + L <= c1; col += L) yt_w_block<R, L, true>(Y, m, row0, row1, col, L, W, ldw, mt);
      if constexpr (L > 8)
        if (col + 8 <= c1) {
          yt_w_block<R, 8, true>(Y, m, row0, row1, col, 8, W, ldw, mt);
          col += 8;
        }
      if (col < c1) yt_w_block<R, 8, false>(Y, m, row0, row1, col, c1 - col, W, ldw, mt);  // < 8 left
    }
  }
};

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

// Products over at least this many entries (4 MB) are split between threads, in chunks
// of columns of Y run by hebb::detail::chunk_pool. Smaller ones stay on one thread: there
// waking threads costs more than the pass (measured on the shared 2-core machine).
constexpr Eigen::Index parallel_min_entries = Eigen::Index{1} << 19;

// M = Yᵀ W (Y: n x m row-major, W: n x R row-major, M: m x R column-major), in blocks
// of at most 8 components.
void yt_w(const double* Y, Eigen::Index n, Eigen::Index m, const rmat& W, cmat& M) {
  const auto R = static_cast<int>(W.cols());
  auto columns = [&](Eigen::Index c0, Eigen::Index c1) {
    for (int r0 = 0; r0 < R; r0 += 8)
      dispatch<yt_w_kernel>(std::min(8, R - r0), Y, n, m, c0, c1, W.data() + r0, Eigen::Index{R}, M.data() + r0 * m);
  };
  if (n * m < parallel_min_entries) return columns(0, m);
  // about 32 chunks of whole 16-column blocks, so a slow thread holds up little
  const Eigen::Index width = std::max<Eigen::Index>(16, (m / 32 + 15) / 16 * 16);
  const auto chunks = static_cast<std::size_t>((m + width - 1) / width);
  hebb::detail::chunk_pool::instance().run(chunks, [&](std::size_t c) {
    const auto c0 = static_cast<Eigen::Index>(c) * width;
    columns(c0, std::min(m, c0 + width));
  });
}

}  // namespace

namespace {

// Checks the shape and the rank.
void check_shape(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p) {
  p.validate();
  if (I == 0 || J == 0 || K == 0 || x.size() != I * J * K)
    throw Error("nonnegative_cp: tensor of {} values is not {} x {} x {}", x.size(), I, J, K);
  const std::size_t min_unfold = std::min({I * J, I * K, J * K});
  if (p.rank > min_unfold)
    throw Error("nonnegative_cp: rank {} is too large for a {} x {} x {} tensor (too few samples: at most "
                "min(IJ, IK, JK) = {})", p.rank, I, J, K, min_unfold);
}

// The tensor checked (every entry non-negative and finite) and transposed for the
// passes: X as a K x I·J row-major matrix (for T = X C), in 32 x 32 tiles, with |X|².
// Large tensors are done in chunks of rows on the pool; |X|² sums the chunks' sums in
// chunk order, so it does not depend on the thread count.
struct free_deleter {
  void operator()(double* p) const { std::free(p); }
};

// An uninitialised buffer of n doubles, its pages first touched by whoever writes them
// (the pool's threads, in parallel). Buffers of 4 MB or more are aligned to 2 MB and
// offered to the kernel for transparent huge pages: 2 MB pages instead of 4 kB ones
// cut the page faults of the first touch about 500-fold.
std::unique_ptr<double[], free_deleter> raw_buffer(std::size_t n) {
  constexpr std::size_t huge = std::size_t{2} << 20;
  std::size_t bytes = std::max<std::size_t>(1, n) * sizeof(double);
  const bool big = bytes >= 2 * huge;
  if (big) bytes = (bytes + huge - 1) / huge * huge;
  void* p = std::aligned_alloc(big ? huge : 64, (bytes + 63) / 64 * 64);
  if (p == nullptr)
    throw Error("nonnegative_cp: cannot allocate {:.1f} MB for the transposed tensor", static_cast<double>(bytes) / 1e6);
#ifdef MADV_HUGEPAGE
  if (big) madvise(p, bytes, MADV_HUGEPAGE);  // advice only: without huge pages it works as before
#endif
  return std::unique_ptr<double[], free_deleter>(static_cast<double*>(p));
}

struct prepared {
  std::unique_ptr<double[], free_deleter> xt;
  double norm2 = 0;
};

prepared prepare(std::span<const double> x, std::size_t rows, std::size_t K) {
  prepared d;
  d.xt = raw_buffer(x.size());
  constexpr std::size_t tile = 32;
  const std::size_t tiles = (rows + tile - 1) / tile, per = std::max<std::size_t>(1, tiles / 64);
  const std::size_t chunks = (tiles + per - 1) / per;
  std::vector<double> part(chunks, 0.0);
  std::vector<char> bad(chunks, 0);
  auto chunk = [&](std::size_t c) {
    const std::size_t lo = c * per * tile, hi = std::min(rows, (c + 1) * per * tile);
    for (std::size_t r0 = lo; r0 < hi; r0 += tile)
      for (std::size_t k0 = 0; k0 < K; k0 += tile)
        for (std::size_t r = r0; r < std::min(hi, r0 + tile); ++r)
          for (std::size_t k = k0; k < std::min(K, k0 + tile); ++k) d.xt[k * rows + r] = x[r * K + k];
    double s = 0;
    bool ok = true;
    const double* v = x.data() + lo * K;
#pragma omp simd reduction(+ : s) reduction(&& : ok)
    for (std::size_t i = 0; i < (hi - lo) * K; ++i) {
      s += v[i] * v[i];
      ok = ok && v[i] >= 0 && v[i] <= std::numeric_limits<double>::max();  // false for NaN, inf
    }
    part[c] = s;
    bad[c] = !ok;
  };
  if (static_cast<Eigen::Index>(x.size()) >= parallel_min_entries)
    hebb::detail::chunk_pool::instance().run(chunks, chunk);
  else
    for (std::size_t c = 0; c < chunks; ++c) chunk(c);
  for (std::size_t c = 0; c < chunks; ++c) {
    if (bad[c])
      for (std::size_t i = c * per * tile * K; i < x.size(); ++i)
        if (!(x[i] >= 0) || !std::isfinite(x[i]))
          throw Error("nonnegative_cp: entry {} = {}: the tensor must be non-negative and finite", i, x[i]);
    d.norm2 += part[c];
  }
  if (d.norm2 == 0) throw Error("nonnegative_cp: the tensor is all zeros");
  return d;
}

struct fit_result {
  double err = std::numeric_limits<double>::infinity();
  int iterations = 0;
  bool converged = false;
};

// The state of one fit: the factors (A, B, C: those the next iteration starts from; C
// extrapolated when accelerating) and the last accepted iteration's A, B and C, before C
// was extrapolated (where a rejected extrapolation goes back to).
struct factors {
  cmat A, B, C;
  cmat A0, B0, C0;
};

// Anderson extrapolation (type II, Walker & Ni 2011) of the fixed-point map C -> C'
// that one iteration is (A and B follow from C, C' from A and B): from the last m + 1
// pairs (C_i, C'_i), residuals f_i = C'_i - C_i, the next start is
//   C'_k - ΔG γ,  γ = argmin |f_k - ΔF γ|,  ΔF, ΔG: differences of successive f and C',
// projected onto C >= ε. The small normal equations are solved by a complete orthogonal
// decomposition (rank-deficient histories near convergence are fine).
class anderson {
 public:
  static constexpr int memory = 3;  // m [1]

  void clear() { count_ = 0; }
  // Record the pair (C_in, C_out) and set C_out to the extrapolated start; false (C_out
  // left as it is) while the history holds a single pair.
  bool step(const cmat& c_in, cmat& c_out) {
    const Eigen::Index n = c_out.size();
    if (res_.rows() != n) res_.resize(n, memory + 1), out_.resize(n, memory + 1);
    const int slot = count_ % (memory + 1);
    res_.col(slot) = c_out.reshaped() - c_in.reshaped();  // f = C' - C
    out_.col(slot) = c_out.reshaped();
    ++count_;
    const int h = std::min(count_ - 1, memory);  // differences available
    if (h == 0) return false;
    Eigen::MatrixXd dF(n, h), dG(n, h);
    for (int d = 0; d < h; ++d) {  // oldest first: pair (count - 1 - h + d) -> (count - h + d)
      const int a = (count_ - 1 - h + d) % (memory + 1), b = (count_ - h + d) % (memory + 1);
      dF.col(d) = res_.col(b) - res_.col(a);
      dG.col(d) = out_.col(b) - out_.col(a);
    }
    const Eigen::MatrixXd FF = dF.transpose().lazyProduct(dF);
    const Eigen::VectorXd Ff = dF.transpose().lazyProduct(res_.col(slot));
    const Eigen::VectorXd gamma = FF.completeOrthogonalDecomposition().solve(Ff);
    c_out.reshaped() = (out_.col(slot) - dG.lazyProduct(gamma)).cwiseMax(eps);
    return true;
  }

 private:
  Eigen::MatrixXd res_, out_;  // columns: residuals f_i and outputs C'_i, a ring of m + 1
  int count_ = 0;
};

// HALS from s.A, s.B, s.C (modified in place). Each iteration computes T = X C and
// updates modes 1 and 2 from it, then mode 3 from Xᵀ(A ⊙ B), and scales the columns of A
// and B to unit norm, the scale moving into C. With inner sweeps (α > 0), each update
// repeats its column sweeps (Gillis & Glineur 2012), and modes 1 and 2 alternate in
// rounds on the same T while a round moves them by more than δ times the first round,
// at most 1 + α ρ_AB rounds (ρ_AB = 1 + pass flops / round flops): with C fixed, T holds
// all that the fit of A and B needs from X. With p.extrapolate, C is extrapolated by
// Anderson's method before the next iteration uses it; an iteration from an extrapolated
// C whose error rises above the last accepted one's is rejected: the fit goes back to
// that one's factors and the history is cleared. A plain iteration is never rejected
// (going back would only repeat it; HALS's rare rises, e.g. from a column whose Gram
// entry is at rounding level, are kept as plain HALS keeps them). The error tested for
// convergence is always that of plain updates (before extrapolation), and only a plain
// iteration ends the fit: an extrapolated one that changes the error by less than tol
// (a stalled extrapolation as often as convergence) is followed by a plain one. xt is X
// transposed (K x I·J row-major).
fit_result hals_fit(const double* x, const double* xt, double norm2, factors& s, const cp_params& p) {
  cmat &A = s.A, &B = s.B, &C = s.C;
  const Eigen::Index I = A.rows(), J = B.rows(), K = C.rows(), R = A.cols();
  fit_result out;
  cmat T(I * J, R), M1(I, R), M2(J, R), M3(K, R);  // X C and the three MTTKRPs
  rmat W(I * J, R), Cr(K, R);  // kernel weights: the Khatri-Rao rows a_i ∘ b_j, C
  cmat AA(R, R), BB(R, R), CC(R, R), G(R, R), C_in;
  Eigen::VectorXd fg(std::max({I, J, K}));  // HALS scratch
  // MTTKRP flops: X C is shared by modes 1 and 2; modes 1, 2 add I·J·R each
  const double xc = static_cast<double>(I * J * K * R), ijr = static_cast<double>(I * J * R);
  const int cap_a = inner_cap(xc / 2 + ijr, I, R, p.inner_alpha);
  const int cap_b = inner_cap(xc / 2 + ijr, J, R, p.inner_alpha);
  const int cap_c = inner_cap(xc, K, R, p.inner_alpha);
  // rounds of modes 1 and 2 on one T: a round costs 2 I·J·R flops and a sweep of each
  const double round_flops = 2 * ijr + static_cast<double>((I + J) * R * (R + 2));
  const int cap_ab = 1 + static_cast<int>(std::min(1e4, p.inner_alpha * (1 + xc / round_flops)));
  anderson acc;
  bool extrapolated = false;  // this iteration starts from an extrapolated C (only such can be rejected)
  int it = 0;
  for (; it < p.max_iter; ++it) {
    if (p.extrapolate) C_in = C;
    Cr = C;
    yt_w(xt, K, I * J, Cr, T);  // T[(i,j), r] = Σ_k X_ijk C_kr
    CC.noalias() = C.transpose().lazyProduct(C);
    BB.noalias() = B.transpose().lazyProduct(B);
    double first_round = 0;
    for (int round = 0; round < cap_ab; ++round) {
      for (Eigen::Index r = 0; r < R; ++r)  // M1[i, r] = Σ_j T[(i,j), r] B_jr
        for (Eigen::Index i = 0; i < I; ++i) M1(i, r) = T.col(r).segment(i * J, J).dot(B.col(r));
      G = BB.cwiseProduct(CC);
      double moved = hals_inner(A, M1, G, cap_a, p.inner_delta, fg);
      AA.noalias() = A.transpose().lazyProduct(A);
      M2.setZero();  // M2[j, r] = Σ_i T[(i,j), r] A_ir
      for (Eigen::Index r = 0; r < R; ++r)
        for (Eigen::Index i = 0; i < I; ++i) M2.col(r) += A(i, r) * T.col(r).segment(i * J, J);
      G = AA.cwiseProduct(CC);
      moved += hals_inner(B, M2, G, cap_b, p.inner_delta, fg);
      BB.noalias() = B.transpose().lazyProduct(B);
      if (round == 0) first_round = moved;
      else if (moved <= p.inner_delta * p.inner_delta * first_round) break;
    }
    for (Eigen::Index i = 0; i < I; ++i)
      for (Eigen::Index j = 0; j < J; ++j) W.row(i * J + j) = A.row(i).cwiseProduct(B.row(j));
    yt_w(x, I * J, K, W, M3);  // M3[k, r] = Σ_ij X_ijk A_ir B_jr
    const cmat& GAB = G = AA.cwiseProduct(BB);
    hals_inner(C, M3, GAB, cap_c, p.inner_delta, fg);
    CC.noalias() = C.transpose().lazyProduct(C);
    // |X - X̂|² = |X|² - 2<X, X̂> + |X̂|², <X, X̂> = Σ C ∘ M3, |X̂|² = Σ GAB ∘ CᵀC
    const double inner = C.cwiseProduct(M3).sum();
    const double model2 = GAB.cwiseProduct(CC).sum();
    const double e = std::sqrt(std::max(0.0, norm2 - 2 * inner + model2) / norm2);
    // changes below the rounding error of e (from |X|² - 2<X, X̂> + |X̂|²) count as none
    const double change = e - out.err, thr = std::max(p.tol, 8 * std::numeric_limits<double>::epsilon() / e);
    if (extrapolated && change > 0) {  // the extrapolated start did worse: go back, forget the history
      A = s.A0, B = s.B0, C = s.C0;
      acc.clear();
      extrapolated = false;
      continue;
    }
    const bool small = std::abs(change) < thr;
    if (small && !extrapolated) {
      out.err = e;
      out.converged = true;
      ++it;
      break;
    }
    out.err = e;
    // rescale columns so no factor grows while another shrinks (λ moves into C)
    for (Eigen::Index r = 0; r < R; ++r) {
      const double na = A.col(r).norm(), nb = B.col(r).norm();
      if (na > 0 && nb > 0) {
        A.col(r) /= na;
        B.col(r) /= nb;
        C.col(r) *= na * nb;
      }
    }
    if (p.extrapolate && it + 1 < p.max_iter) {  // (the last iteration returns its plain updates)
      s.A0 = A, s.B0 = B, s.C0 = C;
      if (small) {  // an extrapolated start that barely moved: a plain iteration decides
        acc.clear();
        extrapolated = false;
      } else {
        extrapolated = acc.step(C_in, C);
      }
    }
  }
  out.iterations = it;
  return out;
}

// λ from C's column norms, components ordered by λ (largest first), convergence check.
cp_model finish(const cmat& A, const cmat& B, cmat C, const fit_result& f, const cp_params& p) {
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
    throw Error("nonnegative_cp: HALS did not converge in max_iter = {} iterations (relative error {:.4g}); raise "
                "cp.max_iter or cp.tol", p.max_iter, out.relative_error);
  return out;
}

}  // namespace

cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p) {
  check_shape(x, I, J, K, p);
  const prepared d = prepare(x, I * J, K);
  const auto R = static_cast<Eigen::Index>(p.rank);
  const auto Ii = static_cast<Eigen::Index>(I), Ji = static_cast<Eigen::Index>(J), Ki = static_cast<Eigen::Index>(K);
  const double scale = std::cbrt(std::sqrt(d.norm2 / static_cast<double>(x.size())));  // match the data's size
  fit_result best;
  factors kept;
  for (int rs = 0; rs < p.restarts; ++rs) {
    counter_rng rng(p.seed, stream::analysis, 0xC9u, static_cast<std::uint64_t>(rs));
    factors s{cmat(Ii, R), cmat(Ji, R), cmat(Ki, R)};
    for (auto* F : {&s.A, &s.B, &s.C})
      for (Eigen::Index r = 0; r < R; ++r)
        for (Eigen::Index i = 0; i < F->rows(); ++i) (*F)(i, r) = scale * rng.uniform();
    const fit_result f = hals_fit(x.data(), d.xt.get(), d.norm2, s, p);
    if (f.err < best.err || rs == 0) {
      best = f;
      kept = std::move(s);
    }
  }
  return finish(kept.A, kept.B, std::move(kept.C), best, p);
}

cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p,
                        const cp_start& start) {
  check_shape(x, I, J, K, p);
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
  factors s{start.a, start.b, start.c};
  const prepared d = prepare(x, I * J, K);
  const fit_result f = hals_fit(x.data(), d.xt.get(), d.norm2, s, p);
  return finish(s.A, s.B, std::move(s.C), f, p);
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
