#pragma once
// One-hot HMM-GLM (Li, Kim, Rodgers, Choi & Wu, ICLR 2024, "One-hot generalized linear
// model for switching brain state discovery"; repo JerrySoybean/onehot-hmmglm,
// models/onehot.py; SYSTEMS.md section 12). The HMM-GLM of hmm_glm.hpp with the
// weights factored into a connection type and a positive strength:
//
//   W^{(k)}_{nn'} = (A^{(k)}_{nn',exc} - A^{(k)}_{nn',inh}) · s^{(k)}_{nn'},  s = s_min + softplus(ρ)
//   A^{(k)}_{nn'} ∈ {inh, none, exc} (one-hot),  q^{(k)}_{nn'} = softmax(α^{(k)}_{nn'})
//   prior A^{(k)}_{nn'} ~ Categorical(softmax(π_{nn'})), π shared by all K states (learnt)
//
// Fitting (generalised EM):
//  0. Start from the Gaussian-prior HMM-GLM (fit_hmm_glm, prior_sd = init_prior_sd):
//     its state posteriors, biases, transitions and weights; π uniform.
//  1. Type phase (type_iter iterations): E-step by forward-backward; M-step: π, A in
//     closed form, the types of each (state, neuron) row updated, then the shared prior
//     in closed form, softmax(π_{nn'}) = mean_k q^{(k)}_{nn'} (the maximiser of
//     Σ_k -KL(q^{(k)} || softmax(π))). Two updates of q (params.method):
//     * laplace (default, deterministic): coordinate ascent over n'. For each type c
//       the strength is integrated out by Laplace's method under a half-normal prior
//       s ~ N+(0, σ_s²):
//         log q(c) = log softmax(π)_c - min_w [L(w) + w²/(2σ_s²)] + log 2 - ½ log(σ_s² F)
//       with L the γ-weighted Poisson loss Σ_t γ_t(k)(λ_t - y_t log λ_t) over w of
//       sign c (Newton with step halving), F its Fisher information plus 1/σ_s²;
//       none scores log softmax(π)_none - L(0). The row takes the most probable type
//       and its ŵ (iterated conditional modes), so the E-step uses one-hot weights.
//     * gumbel_softmax (the paper's estimator): adam_steps Adam steps on
//         L + Σ_{n'} KL(q^{(k)}_{nn'} || softmax(π_{nn'})),  q = softmax(α)
//       with W drawn by Gumbel-softmax, a = softmax((α + g)/τ), g ~ Gumbel(0, 1) from
//       counter_rng(seed, stream::analysis, row, step), τ = 0.5, s = s_min +
//       softplus(ρ); the E-step uses E_q[W] = (q_exc - q_inh)·s. s_min > 0 is our
//       addition: with s -> 0 allowed a zero strength and the none type are the same
//       model and absent connections get arbitrary types. Measured on the section-12
//       data (N = 10, K = 3, T = 1e4): connection-type accuracy 0.50 (s_min = 0),
//       0.70 (0.1), 0.89 (0.25) after 30 x 20 steps, held-out LL below the plain
//       HMM-GLM; the Laplace update (σ_s = 3) reaches 0.94 with held-out LL above it
//       (σ_s = 1: 0.85-0.91, more absent connections taken for weak ones).
//  2. Strength phase: the types are fixed at A = argmax q; the non-zero weights and
//     biases are refitted by Fisher scoring in plain EM until the log-likelihood gain
//     per bin falls below tol (deterministic, monotone; "converged" refers to it). A
//     weight whose refitted sign opposes its type takes the type of its sign.
// The returned model holds the one-hot weights W = (A_exc - A_inh)·s, so
// emission_log_likelihood, viterbi and hmm_glm_log_likelihood apply unchanged.
// Connection types come out directly (argmax q), with no threshold on |W|.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <hebb/analysis/hmm_glm.hpp>

namespace hebb::analysis {

enum class onehot_method { laplace, gumbel_softmax };

struct onehot_hmm_glm_params {
  onehot_method method = onehot_method::laplace;  // how the type phase updates q
  std::size_t n_states = 3;                      // K [1]
  std::vector<double> basis = {1.0, 0.5, 0.25};  // history kernel over lags 1..L [1]
  double tau = 0.5;              // Gumbel-softmax temperature (gumbel_softmax) [1]
  double learning_rate = 0.05;   // Adam step size on α, ρ and the biases (gumbel_softmax) [1]
  int adam_steps = 20;           // Adam steps per type-phase M-step (gumbel_softmax) [1]
  int type_iter = 5;             // EM iterations of the type phase (gumbel_softmax: ~30) [1]
  int max_iter = 200;            // EM iterations of the strength phase [1]
  double tol = 1e-6;             // stop when the LL gain per bin falls below this [nats]
  int fisher_steps = 3;          // Fisher-scoring steps per GLM per M-step [1]
  int restarts = 3;              // random initialisations of the initial Gaussian fit [1]
  double strength_sd = 3.0;      // σ_s of the half-normal strength prior (Laplace update) [1]
  double min_strength = 0.25;    // s_min: floor of the strengths (gumbel_softmax) [1]
  double init_prior_sd = 1.0;    // σ of the initial Gaussian-prior fit [1]
  bool require_convergence = true;
  std::uint64_t seed = 1;
  void validate() const;
};

struct onehot_hmm_glm_fit {
  hmm_glm_model model;                  // W^{(k)} = (A_exc - A_inh)·s with the fitted types
  std::vector<Eigen::MatrixXi> types;   // K matrices N x N: -1 inh, 0 none, +1 exc
  std::vector<matrix> type_probability; // 3K matrices N x N: q^{(k)}(c) at index 3k + c, c = inh, none, exc
  std::array<matrix, 3> prior;          // softmax(π): shared prior probabilities of inh, none, exc
  matrix posterior;                     // T x K state posteriors of the training data
  std::vector<double> log_likelihood;   // per EM iteration (type phase, then strength phase)
  int type_iterations = 0;
  int iterations = 0;                   // strength-phase iterations
  bool converged = false;
};

// Fit by generalised EM; counts T x N, non-negative integers.
onehot_hmm_glm_fit fit_onehot_hmm_glm(const Eigen::Ref<const matrix>& counts, const onehot_hmm_glm_params& p);

// Connection types of weights by a magnitude threshold: 0 where |W| < threshold, else
// the sign (how types are read from a Gaussian-prior or plain HMM-GLM).
Eigen::MatrixXi connection_types(const Eigen::Ref<const matrix>& weights, double threshold);

}  // namespace hebb::analysis
