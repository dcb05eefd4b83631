#pragma once
// Dense Hebbian network trained on noisy examples: Agliari, Alemanno, Barra, De
// Marzo et al., "Dense Hebbian neural networks: a replica symmetric picture of
// supervised learning" (arXiv:2212.00606).
//
//   archetypes   xi^mu in {-1,+1}^N, mu = 1..K
//   examples     eta^{mu a} = chi^{mu a} xi^mu (elementwise), a = 1..M,
//                P(chi = +1) = (1 + r)/2   (r: dataset quality)
//   empirical archetypes  xibar^mu = 1/(r M) sum_a eta^{mu a}
//   energy       H(sigma) = -N sum_mu (xibar^mu . sigma / N)^P     (P-body interaction)
//   control parameters: rho = (1 - r^2)/(M r^2) (dataset entropy), load alpha = K/N^(P-1),
//                temperature T.
//   zero temperature: single spin flips that strictly lower H, from the exact energy
//                difference, in a random order each sweep, until no flip lowers H.
//   temperature T: heat-bath (Glauber) sweeps, a flip made with probability
//                1 / (1 + exp(Delta H / T)) (Metropolis would flip almost every spin
//                of a sweep when T >> |Delta H|, inverting the state).
//   Mattis overlap with archetype mu: m = xi^mu . sigma / N.
//   Theory (large N, low load): the dynamics end at sigma = sign(xibar^1), whose overlap
//   with xi^1 is m* = P(S > 0) - P(S < 0), S = 2 Bin(M, (1+r)/2) - M (a tie S = 0
//   gives sigma_i = +-1 at random, overlap 0 on average); erf(1/sqrt(2 rho)) is its
//   large-M limit.
// Random numbers: counter_rng(seed, stream::memory, entity, step) with the entity
// chosen by the caller (a data draw, a run) and step = sweep.
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Dense>

namespace hebb::memory {

using sign_matrix = Eigen::Matrix<std::int8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct dense_hebbian_data {
  sign_matrix archetypes;  // K x N
  sign_matrix examples;    // (K M) x N, the examples of archetype mu in rows mu*M .. mu*M+M-1
  std::int64_t per_class = 0;  // M
};

// K archetypes of N bits and M examples each of quality r; draw selects independent
// data sets from one seed.
dense_hebbian_data make_dense_hebbian_data(std::int64_t n, std::int64_t k, std::int64_t m,
                                           double r, std::uint64_t seed, std::uint64_t draw);

// xibar^mu = 1/(r M) sum_a eta^{mu a} from examples grouped M per archetype: K x N.
Eigen::MatrixXd empirical_archetypes(const sign_matrix& examples, std::int64_t per_class,
                                     double r);

// m* = P(S>0) - P(S<0), S = 2 Bin(M, (1+r)/2) - M (exact).
double expected_overlap(double r, std::int64_t m);
// erf(1/sqrt(2 rho)), rho = (1 - r^2)/(M r^2).
double erf_overlap(double r, std::int64_t m);
double dataset_entropy(double r, std::int64_t m);

class dense_hebbian {
public:
  // xibar: K x N (rows are the empirical archetypes); p >= 2 (even or odd).
  dense_hebbian(Eigen::MatrixXd xibar, int p);

  std::size_t size() const { return static_cast<std::size_t>(xi_.cols()); }        // N
  std::size_t patterns() const { return static_cast<std::size_t>(xi_.rows()); }     // K
  int order() const { return p_; }
  const Eigen::MatrixXd& archetypes() const { return xi_; }

  double energy(std::span<const std::int8_t> sigma) const;
  // xibar^mu . sigma / N for every mu.
  Eigen::VectorXd overlaps(std::span<const std::int8_t> sigma) const;

  // Zero-temperature dynamics; `sweeps` (if given) receives the sweeps made (the last
  // one changes nothing unless max_sweeps stopped it).
  std::vector<std::int8_t> relax(std::span<const std::int8_t> sigma, std::uint64_t seed,
                                 std::uint64_t entity, int max_sweeps = 1000,
                                 int* sweeps = nullptr) const;
  // Heat-bath dynamics at temperature t > 0 for `sweeps` sweeps.
  std::vector<std::int8_t> sample(std::span<const std::int8_t> sigma, double temperature,
                                  int sweeps, std::uint64_t seed, std::uint64_t entity) const;

private:
  std::vector<std::int8_t> run(std::span<const std::int8_t> sigma, double temperature,
                               int max_sweeps, bool stop_when_stable, std::uint64_t seed,
                               std::uint64_t entity, int* sweeps) const;
  void check_state(std::span<const std::int8_t> s, const char* what) const;
  Eigen::MatrixXd xi_;  // K x N
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> site_;  // N x K
  int p_;
};

}  // namespace hebb::memory
