#pragma once
// Readout learning on recorded activity: a linear readout z = W r of a feature vector
// r(t) (filtered spike trains, rates), trained online, step by step.
//
// lms_readout: the delta rule (Widrow & Hoff 1960) gated by a third factor g(t)
//   e = y - W r,   W <- W + eta g e r^T
// g(t) is an attention or modulator signal (g = 0: no change). With a small constant
// eta and stationary statistics it converges to the least-squares readout, so for
// features that identify time within a trial z(t) tends to E[y | t] (for an outcome
// of amplitude a with probability p: p a); its gain stays eta, so after a change of
// the task it re-locks at the same speed as it first learnt.
//
// rls_readout: recursive least squares, the learning rule of FORCE (Sussillo & Abbott
// 2009, Neuron 63:544), the baseline the gated LMS rule is compared with:
//   k = P r / (lambda + r^T P r),  e = y - W r,  W <- W + e k^T,  P <- (P - k r^T P) / lambda
// P(0) = I / alpha. With lambda = 1 (no forgetting) W is the exact regularised
// least-squares fit of everything seen, so it converges in few steps, but its gain
// r^T P r / (1 + r^T P r) decays like 1/n with the number n of updates: after a change
// it needs about as many trials as it has already seen to follow. Steps with g = 0
// leave W and P unchanged (the gate of the LMS rule, applied as update / no update).
//
// Units: r and y in the user's units; eta in [1 / r^2].
#include <cstddef>
#include <span>

#include <Eigen/Dense>

namespace hebb::plasticity {

using row_matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct lms_params {
  double eta = 1e-3;  // learning rate [1 / r^2]
  void validate() const;
};

struct rls_params {
  double alpha = 1.0;       // P(0) = I / alpha: regularisation [r^2]
  double forgetting = 1.0;  // lambda in (0, 1]; 1: no forgetting (FORCE)
  void validate() const;
};

class lms_readout {
public:
  lms_readout(std::size_t n_in, std::size_t n_out, lms_params p = {});
  // One step: returns z = W r (before the update) in z_out, then updates with gate g.
  void step(std::span<const double> r, std::span<const double> y, double g, std::span<double> z_out);
  // A sequence: R (T x n_in), Y (T x n_out), gate (T values, or empty: all 1);
  // returns the outputs Z (T x n_out), each before that step's update.
  row_matrix train(const row_matrix& R, const row_matrix& Y, std::span<const double> gate);
  row_matrix predict(const row_matrix& R) const;
  row_matrix& weights() { return w_; }  // n_out x n_in
  const lms_params& parameters() const { return p_; }

private:
  lms_params p_;
  row_matrix w_;
};

class rls_readout {
public:
  rls_readout(std::size_t n_in, std::size_t n_out, rls_params p = {});
  void step(std::span<const double> r, std::span<const double> y, double g, std::span<double> z_out);
  row_matrix train(const row_matrix& R, const row_matrix& Y, std::span<const double> gate);
  row_matrix predict(const row_matrix& R) const;
  row_matrix& weights() { return w_; }
  const Eigen::MatrixXd& inverse_correlation() const { return P_; }
  // r^T P r / (lambda + r^T P r) of the last update: the fraction of the error removed
  double last_gain() const { return gain_; }
  std::size_t updates() const { return updates_; }

private:
  rls_params p_;
  row_matrix w_;
  Eigen::MatrixXd P_;
  Eigen::VectorXd pr_;
  double gain_ = 0;
  std::size_t updates_ = 0;
};

}  // namespace hebb::plasticity
