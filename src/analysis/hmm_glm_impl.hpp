#pragma once
// Internals of the HMM-GLM shared by hmm_glm.cpp and onehot_hmm_glm.cpp (not public).
#include <cmath>

#include <hebb/analysis/hmm_glm.hpp>

namespace hebb::analysis::detail {

inline double softplus(double x) { return x > 30 ? x : std::log1p(std::exp(x)); }
inline double sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }
constexpr double min_rate = 1e-10;  // λ floor: keeps log λ finite

// Throws unless every entry is a finite non-negative integer.
void check_counts(const Eigen::Ref<const matrix>& y, const char* who);
// Throws unless the model's sizes agree with N neurons.
void check_model(const hmm_glm_model& m, Eigen::Index N, const char* who);
// Elementwise log with a floor at 1e-300.
matrix log_of(const matrix& a);
// log p(y_t | z_t = k), T x K, from precomputed history features h (T x N).
matrix emission_from_features(const hmm_glm_model& m, const Eigen::Ref<const matrix>& y, const matrix& h);
// Closed-form M-step of π and A from posteriors (T x K) and expected transitions (K x K).
void m_step_markov(hmm_glm_model& m, const matrix& post, const matrix& trans);
// γ-weighted Poisson GLM (softplus link) by Fisher scoring; X = [features, 1], w the
// coefficients (last = bias), Gaussian penalty prec/2 |w_head - prior_mean|^2.
void fit_state_glm(const matrix& X, const Eigen::VectorXd& y, const Eigen::VectorXd& g, Eigen::VectorXd& w,
                   const Eigen::VectorXd& prior_mean, double prec, int steps);

}  // namespace hebb::analysis::detail
