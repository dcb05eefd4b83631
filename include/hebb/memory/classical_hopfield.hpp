#pragma once
// The classical Hopfield network (Hopfield 1982), the comparison for the modern one.
//
//   patterns xi^mu in {-1,+1}^d, mu = 1..N
//   Hebbian weights  W_ij = 1/d sum_mu xi^mu_i xi^mu_j,   W_ii = 0
//   asynchronous dynamics: units visited in a random order each sweep,
//       s_i <- sign(h_i),  h_i = sum_j W_ij s_j   (s_i kept when h_i = 0)
//   energy  E(s) = -1/2 s^T W s, which never increases under these updates
//   (W symmetric with zero diagonal). Capacity about 0.138 d patterns
//   (Amit, Gutfreund & Sompolinsky 1985).
// The visiting order of sweep k is drawn from counter_rng(seed, stream::memory,
// entity, step = k).
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

namespace hebb::memory {

class classical_hopfield {
public:
  // patterns: row-major N x dim array of +1/-1.
  classical_hopfield(std::span<const std::int8_t> patterns, std::size_t dim);

  std::size_t dim() const { return static_cast<std::size_t>(w_.rows()); }
  std::size_t size() const { return n_; }
  const Eigen::MatrixXd& weights() const { return w_; }

  // Runs asynchronous sweeps from `state` (+1/-1) until a sweep changes nothing or
  // max_sweeps were made; returns the final state. If `energies` is given it receives
  // the energy before the first update and after every single-unit update.
  std::vector<std::int8_t> recall(std::span<const std::int8_t> state, std::uint64_t seed,
                                  std::uint64_t entity, int max_sweeps = 100,
                                  std::vector<double>* energies = nullptr) const;
  double energy(std::span<const std::int8_t> state) const;

private:
  Eigen::VectorXd to_vector(std::span<const std::int8_t> s, const char* what) const;
  Eigen::MatrixXd w_;
  std::size_t n_;
};

}  // namespace hebb::memory
