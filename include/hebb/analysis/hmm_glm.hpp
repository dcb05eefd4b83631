#pragma once
// HMM-GLM: a hidden Markov model whose states each own a Poisson GLM of the
// population's spike counts (Escola et al. 2011; Li et al., ICLR 2024, "one-hot
// generalized linear model for switching brain state discovery"; SYSTEMS.md section 12).
//
//   z_t ~ Markov(π, A),  K states
//   h_{n'}(t) = Σ_{l=1..L} basis[l-1] · y_{n'}(t - l)              (spike history)
//   λ_n^{(k)}(t) = softplus(b_{k,n} + Σ_{n'} W^{(k)}_{n n'} h_{n'}(t))
//   y_n(t) | z_t = k ~ Poisson(λ_n^{(k)}(t))
// Gaussian prior: W^{(k)} ~ N(W̄, σ²) elementwise, with the shared mean W̄ learnt
// (σ = inf gives the plain HMM-GLM).
//
// Fitting: EM. E-step: forward-backward in log space (log-sum-exp), giving the state
// posteriors γ_t(k) and expected transitions. M-step: π and A in closed form; each
// (state, neuron) GLM by Fisher scoring on the γ-weighted Poisson likelihood plus the
// prior (W̄ then set to the mean of the W^{(k)}). Several restarts; the best
// log-likelihood wins. Viterbi gives the most likely state path.
// A fit that has not converged after max_iter EM iterations throws hebb::Error
// (unless params.require_convergence is false), so non-convergence is never silent.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

struct hmm_glm_model {
  Eigen::VectorXd initial;     // π, K
  matrix transition;           // A, K x K, rows sum to 1
  matrix bias;                 // K x N
  std::vector<matrix> weights; // K matrices N x N (row: target n, column: source n')
  std::vector<double> basis;   // history kernel over lags 1..L
  std::size_t n_states() const { return static_cast<std::size_t>(initial.size()); }
};

struct hmm_glm_params {
  std::size_t n_states = 3;                      // K [1]
  std::vector<double> basis = {1.0, 0.5, 0.25};  // history kernel over lags 1..L [1]
  double prior_sd = 1.0;     // σ of W^{(k)} around the shared mean; inf = no prior [1]
  double init_stay = 0.9;    // initial self-transition probability [1]
  int max_iter = 200;        // EM iterations [1]
  double tol = 1e-6;         // stop when the LL gain per bin falls below this [nats]
  int fisher_steps = 3;      // Fisher-scoring steps per GLM per M-step [1]
  int restarts = 3;          // random initialisations [1]
  bool require_convergence = true;
  std::uint64_t seed = 1;
  void validate() const;
};

struct hmm_glm_fit {
  hmm_glm_model model;
  matrix posterior;                  // T x K state posteriors of the training data
  std::vector<double> log_likelihood;  // per EM iteration of the best restart
  int iterations = 0;
  bool converged = false;
};

struct forward_backward_result {
  matrix posterior;     // T x K, γ_t(k)
  matrix transitions;   // K x K, Σ_t ξ_t(j, k)
  double log_likelihood = 0.0;
};

// History features h (T x N) of counts (T x N).
matrix history_features(const Eigen::Ref<const matrix>& counts, const std::vector<double>& basis);

// log p(y_t | z_t = k), T x K.
matrix emission_log_likelihood(const hmm_glm_model& m, const Eigen::Ref<const matrix>& counts);

// Forward-backward in log space from log π (K), log A (K x K), log emissions (T x K).
forward_backward_result forward_backward(const Eigen::VectorXd& log_initial, const matrix& log_transition,
                                         const Eigen::Ref<const matrix>& log_emission);

// Most likely state path.
std::vector<std::int64_t> viterbi(const Eigen::VectorXd& log_initial, const matrix& log_transition,
                                  const Eigen::Ref<const matrix>& log_emission);

// log p(y) of counts under a model (e.g. held-out data).
double hmm_glm_log_likelihood(const hmm_glm_model& m, const Eigen::Ref<const matrix>& counts);

// Fit by EM; counts T x N, non-negative integers.
hmm_glm_fit fit_hmm_glm(const Eigen::Ref<const matrix>& counts, const hmm_glm_params& p);

// One EM iteration from model m (E-step, then M-step with params p's prior and
// fisher_steps); updates m in place and returns log p(y) under the model before the step.
double hmm_glm_em_step(hmm_glm_model& m, const Eigen::Ref<const matrix>& counts, const hmm_glm_params& p);

// Sample T bins of counts and states from a model (counter_rng, stream::analysis).
struct hmm_glm_sample {
  matrix counts;
  std::vector<std::int64_t> states;
};
hmm_glm_sample sample_hmm_glm(const hmm_glm_model& m, std::size_t n_bins, std::uint64_t seed);

}  // namespace hebb::analysis
