#pragma once
// Non-negative CP (CANDECOMP/PARAFAC) decomposition of a 3-way tensor, also called
// non-negative tensor factorisation (NTF), by hierarchical alternating least squares
// (HALS; Cichocki & Phan 2009). Used for dynamic functional connectomes (Dyballa et al.,
// ICLR 2024; SYSTEMS.md section 10), where the tensor is time x trials x pairs.
//
//   X_ijk ≈ Σ_r λ_r A_ir B_jr C_kr,   A, B, C >= 0 with unit-norm columns, λ_r >= 0
//
// HALS: one column at a time, for mode 1 (modes 2 and 3 alike)
//   A_:r <- max(ε, A_:r + (M_:r - A G_:r) / G_rr),  M = X_(1)(C ⊙ B),  G = (BᵀB) * (CᵀC)
// with ε = 1e-12 keeping the columns away from exact zero. The MTTKRPs use the tensor as
// an (I·J) x K matrix: T = X C gives modes 1 and 2, Xᵀ(A ⊙ B) mode 3; each is one pass
// over X (T over a transposed copy, so that both passes are sums of whole rows scaled by
// weights: the fit holds 8·I·J·K bytes more than the tensor), and the Gram matrices are
// Hadamard products of R x R Grams:
//   M1 = Σ_j T_(i,j) ∘ B_j,  M2 = Σ_i T_(i,j) ∘ A_i,  M3 = Xᵀ(A ⊙ B),  G1 = BᵀB ∘ CᵀC, ...
// Accelerated HALS: M and G cost a pass over X, a column sweep only n·R² flops, so
// (Gillis & Glineur, Neural Comput. 24, 2012) each factor is swept again with the same M
// and G while a sweep moves it by more than δ times the first sweep's move, at most
// 1 + α ρ sweeps, ρ = 1 + (MTTKRP flops) / (sweep flops); and, since T holds all that
// modes 1 and 2 need from X while C is fixed, modes 1 and 2 alternate in rounds on one T
// while a round moves them by more than δ times the first round, at most 1 + α ρ_AB
// rounds (ρ_AB = 1 + I·J·K·R / (2 I·J·R + (I + J) R (R + 2))). An iteration is then close
// to a map C -> C', which extrapolation accelerates: Anderson's method (Walker & Ni, SIAM
// J. Numer. Anal. 49, 2011) on the last 4 pairs (C, C') chooses the next C; an iteration
// from an extrapolated C whose error rises above the last accepted one's is rejected (the
// fit goes back to that one's factors and forgets the history), and only a plain
// iteration (one not started from an extrapolated C) can end the fit. The error tested for convergence is always that
// of plain updates. α = 0 without extrapolation is plain HALS, one sweep per factor per
// pass over X, iterate for iterate the textbook algorithm.
// Relative error |X - X̂|_F / |X|_F is tracked from Gram matrices (no reconstruction).
// Restarts from uniform random factors (counter_rng, stream::analysis); the lowest
// error wins. A fit whose error change has not fallen below tol after max_iter iterations
// throws hebb::Error unless require_convergence is false.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

struct cp_params {
  std::size_t rank = 3;     // R [1]
  int max_iter = 1000;      // iterations (updates of A, B and C; rejected ones count) [1]
  double tol = 1e-7;        // stop when the relative error changes by less than this [1]
  int restarts = 5;         // random initialisations [1]
  double inner_alpha = 0.5; // α: inner sweeps (rounds) per pass at most 1 + α ρ (ρ_AB); 0 = plain HALS [1]
  double inner_delta = 0.1; // δ: inner sweeps (rounds) stop when one moves < δ x the first [1]
  bool extrapolate = true;  // Anderson extrapolation of C between iterations [bool]
  bool require_convergence = true;
  std::uint64_t seed = 1;
  void validate() const;
};

struct cp_model {
  Eigen::VectorXd weights;  // λ, R, descending
  matrix a, b, c;           // I x R, J x R, K x R, unit-norm columns
  double relative_error = 0;
  int iterations = 0;
  bool converged = false;
};

// Initial factors for one fit (I x R, J x R, K x R, all >= 0).
struct cp_start {
  matrix a, b, c;
};

// Fit a non-negative CP model; x holds X_ijk at (i·J + j)·K + k (C order), all >= 0.
cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p);

// One fit from the given factors (p.restarts and p.seed are not used): the same sweeps,
// so a peer implementation started from the same factors can be compared iterate by
// iterate.
cp_model nonnegative_cp(std::span<const double> x, std::size_t I, std::size_t J, std::size_t K, const cp_params& p,
                        const cp_start& start);

// The full tensor of a model (C order).
std::vector<double> cp_reconstruct(const cp_model& m);

}  // namespace hebb::analysis
