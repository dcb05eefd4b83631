#include <hebb/analysis/hmm_glm.hpp>

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

#include <hebb/core/chunk_pool.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

#include "hmm_glm_impl.hpp"

namespace hebb::analysis {

using detail::min_rate;
using detail::sigmoid;
using detail::softplus;

namespace {

double logsumexp(const double* v, Eigen::Index n, Eigen::Index stride = 1) {
  double m = -std::numeric_limits<double>::infinity();
  for (Eigen::Index i = 0; i < n; ++i) m = std::max(m, v[i * stride]);
  if (!std::isfinite(m)) return m;
  double s = 0;
  for (Eigen::Index i = 0; i < n; ++i) s += std::exp(v[i * stride] - m);
  return m + std::log(s);
}

}  // namespace

void detail::check_counts(const Eigen::Ref<const matrix>& y, const char* who) {
  for (Eigen::Index t = 0; t < y.rows(); ++t)
    for (Eigen::Index n = 0; n < y.cols(); ++n) {
      const double v = y(t, n);
      if (!(v >= 0) || !std::isfinite(v) || v != std::floor(v))
        throw Error("{}: counts[{}, {}] = {}: counts must be non-negative integers (no NaN)", who, t, n, v);
    }
}

matrix detail::log_of(const matrix& a) {
  return a.unaryExpr([](double x) { return std::log(std::max(x, 1e-300)); });
}

using detail::check_counts;
using detail::log_of;

void hmm_glm_params::validate() const {
  require(n_states >= 1, "hmm_glm.n_states", static_cast<double>(n_states), ">= 1");
  if (basis.empty()) throw Error("hmm_glm.basis: empty: must hold at least one lag weight");
  for (std::size_t l = 0; l < basis.size(); ++l)
    require(std::isfinite(basis[l]), fmt::format("hmm_glm.basis[{}]", l), basis[l], "finite");
  require(prior_sd > 0, "hmm_glm.prior_sd", prior_sd, "> 0 (inf for no prior)");
  require(init_stay > 0 && init_stay < 1, "hmm_glm.init_stay", init_stay, "in (0, 1)");
  require(max_iter >= 1, "hmm_glm.max_iter", max_iter, ">= 1");
  require(tol > 0, "hmm_glm.tol", tol, "> 0 nats per bin");
  require(fisher_steps >= 1, "hmm_glm.fisher_steps", fisher_steps, ">= 1");
  require(restarts >= 1, "hmm_glm.restarts", restarts, ">= 1");
}

matrix history_features(const Eigen::Ref<const matrix>& y, const std::vector<double>& basis) {
  matrix h = matrix::Zero(y.rows(), y.cols());
  const auto L = static_cast<Eigen::Index>(basis.size());
  for (Eigen::Index t = 1; t < y.rows(); ++t)
    for (Eigen::Index l = 1; l <= std::min(L, t); ++l) h.row(t) += basis[static_cast<std::size_t>(l - 1)] * y.row(t - l);
  return h;
}

matrix detail::emission_from_features(const hmm_glm_model& m, const Eigen::Ref<const matrix>& y, const matrix& h) {
  const Eigen::Index T = y.rows(), N = y.cols(), K = static_cast<Eigen::Index>(m.n_states());
  Eigen::VectorXd lg(T);
  for (Eigen::Index t = 0; t < T; ++t) {
    double s = 0;
    for (Eigen::Index n = 0; n < N; ++n) s += std::lgamma(y(t, n) + 1.0);
    lg(t) = s;
  }
  matrix le(T, K);
  for (Eigen::Index k = 0; k < K; ++k) {
    // lazyProduct: a thin T x N x N product; Eigen's GEMM would start threads for it
    matrix eta = h.lazyProduct(m.weights[static_cast<std::size_t>(k)].transpose()).rowwise() + m.bias.row(k);
    // softplus as in fit_state_glm (vectorised exp/log), floored at min_rate
    eta = (eta.array().max(0.0) + (1.0 + (-eta.array().abs()).exp()).log()).max(min_rate).matrix();
    le.col(k) = (y.array() * eta.array().log() - eta.array()).rowwise().sum().matrix() - lg;
  }
  return le;
}

void detail::check_model(const hmm_glm_model& m, Eigen::Index N, const char* who) {
  const auto K = static_cast<Eigen::Index>(m.n_states());
  if (K < 1 || m.transition.rows() != K || m.transition.cols() != K || m.bias.rows() != K ||
      m.bias.cols() != N || m.weights.size() != static_cast<std::size_t>(K))
    throw Error("{}: model has {} states but transition {}x{}, bias {}x{}, {} weight matrices; data "
                "has {} neurons", who, K, m.transition.rows(), m.transition.cols(), m.bias.rows(),
                m.bias.cols(), m.weights.size(), N);
  for (const auto& w : m.weights)
    if (w.rows() != N || w.cols() != N) throw Error("{}: weights must be {}x{}", who, N, N);
}

using detail::check_model;
using detail::emission_from_features;

matrix emission_log_likelihood(const hmm_glm_model& m, const Eigen::Ref<const matrix>& y) {
  check_counts(y, "emission_log_likelihood");
  check_model(m, y.cols(), "emission_log_likelihood");
  return emission_from_features(m, y, history_features(y, m.basis));
}

forward_backward_result forward_backward(const Eigen::VectorXd& log_pi, const matrix& log_a,
                                         const Eigen::Ref<const matrix>& le) {
  const Eigen::Index T = le.rows(), K = le.cols();
  if (T < 1 || log_pi.size() != K || log_a.rows() != K || log_a.cols() != K)
    throw Error("forward_backward: {} bins, {} states, initial {} and transition {}x{}: sizes must agree",
                T, K, log_pi.size(), log_a.rows(), log_a.cols());
  matrix la(T, K), lb(T, K);
  std::vector<double> tmp(static_cast<std::size_t>(K));
  for (Eigen::Index k = 0; k < K; ++k) la(0, k) = log_pi(k) + le(0, k);
  for (Eigen::Index t = 1; t < T; ++t)
    for (Eigen::Index k = 0; k < K; ++k) {
      for (Eigen::Index j = 0; j < K; ++j) tmp[j] = la(t - 1, j) + log_a(j, k);
      la(t, k) = le(t, k) + logsumexp(tmp.data(), K);
    }
  lb.row(T - 1).setZero();
  for (Eigen::Index t = T - 2; t >= 0; --t)
    for (Eigen::Index j = 0; j < K; ++j) {
      for (Eigen::Index k = 0; k < K; ++k) tmp[k] = log_a(j, k) + le(t + 1, k) + lb(t + 1, k);
      lb(t, j) = logsumexp(tmp.data(), K);
    }
  forward_backward_result r;
  r.log_likelihood = logsumexp(la.row(T - 1).data(), K);
  if (!std::isfinite(r.log_likelihood))
    throw Error("forward_backward: the data have zero likelihood under the model (log p = {})",
                r.log_likelihood);
  r.posterior = ((la + lb).array() - r.log_likelihood).exp().matrix();
  r.transitions = matrix::Zero(K, K);
  for (Eigen::Index t = 0; t + 1 < T; ++t)
    for (Eigen::Index j = 0; j < K; ++j)
      for (Eigen::Index k = 0; k < K; ++k)
        r.transitions(j, k) += std::exp(la(t, j) + log_a(j, k) + le(t + 1, k) + lb(t + 1, k) - r.log_likelihood);
  return r;
}

std::vector<std::int64_t> viterbi(const Eigen::VectorXd& log_pi, const matrix& log_a,
                                  const Eigen::Ref<const matrix>& le) {
  const Eigen::Index T = le.rows(), K = le.cols();
  if (T < 1 || log_pi.size() != K || log_a.rows() != K || log_a.cols() != K)
    throw Error("viterbi: {} bins, {} states, initial {} and transition {}x{}: sizes must agree", T, K,
                log_pi.size(), log_a.rows(), log_a.cols());
  matrix d(T, K);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> back(T, K);
  for (Eigen::Index k = 0; k < K; ++k) d(0, k) = log_pi(k) + le(0, k);
  for (Eigen::Index t = 1; t < T; ++t)
    for (Eigen::Index k = 0; k < K; ++k) {
      Eigen::Index best = 0;
      double bv = -std::numeric_limits<double>::infinity();
      for (Eigen::Index j = 0; j < K; ++j)
        if (d(t - 1, j) + log_a(j, k) > bv) bv = d(t - 1, j) + log_a(j, k), best = j;
      d(t, k) = bv + le(t, k);
      back(t, k) = best;
    }
  std::vector<std::int64_t> path(static_cast<std::size_t>(T));
  Eigen::Index k;
  d.row(T - 1).maxCoeff(&k);
  for (Eigen::Index t = T - 1; t >= 0; --t) {
    path[static_cast<std::size_t>(t)] = k;
    if (t > 0) k = back(t, k);
  }
  return path;
}

double hmm_glm_log_likelihood(const hmm_glm_model& m, const Eigen::Ref<const matrix>& y) {
  const matrix le = emission_log_likelihood(m, y);
  return forward_backward(log_of(m.initial.transpose()).transpose(), log_of(m.transition), le).log_likelihood;
}

namespace {

// X' diag(w) X by rows: small D, long T. (Eigen's GEMM would start OpenMP threads for
// this thin product, which costs more than the flops on a shared machine.)
Eigen::MatrixXd weighted_gram(const matrix& X, const Eigen::VectorXd& w) {
  // F = Xwᵀ Xw with Xw = diag(√w) X, as a symmetric rank update (single-threaded kernel)
  const matrix Xw = X.array().colwise() * w.array().sqrt();
  Eigen::MatrixXd F = Eigen::MatrixXd::Zero(X.cols(), X.cols());
  F.selfadjointView<Eigen::Lower>().rankUpdate(Xw.transpose());
  return F.selfadjointView<Eigen::Lower>();
}

}  // namespace

void detail::fit_state_glm(const matrix& X, const Eigen::VectorXd& y, const Eigen::VectorXd& g, Eigen::VectorXd& w,
                   const Eigen::VectorXd& prior_mean, double prec, int steps) {
  const Eigen::Index T = X.rows(), D = X.cols();
  // objective at v, keeping λ(v) for the next gradient. Array expressions, which Eigen
  // vectorises (exp, log; not log1p/expm1): softplus(η) = max(η, 0) + log(1 + exp(-|η|))
  // is stable, and where log(1 + e) rounds (e < 1e-16) λ is below min_rate anyway.
  auto objective = [&](const Eigen::VectorXd& v, Eigen::VectorXd& lam) {
    lam.noalias() = X * v;
    lam = (lam.array().max(0.0) + (1.0 + (-lam.array().abs()).exp()).log()).max(min_rate).matrix();
    const double f = (g.array() * (lam.array() - y.array() * lam.array().log())).sum();
    return f + 0.5 * prec * (v.head(D - 1) - prior_mean).squaredNorm();
  };
  Eigen::VectorXd lam(T), lam_trial(T), grad_w(T), fisher_w(T), sg(T);
  double f = objective(w, lam);
  for (int s = 0; s < steps; ++s) {
    // σ(η) = 1 - exp(-softplus(η)); its series below 1e-5, where 1 - exp rounds
    sg = (lam.array() < 1e-5).select(lam.array() - 0.5 * lam.array().square(), 1.0 - (-lam.array()).exp());
    grad_w = g.array() * sg.array() * (1.0 - y.array() / lam.array());
    fisher_w = g.array() * sg.array().square() / lam.array();
    Eigen::VectorXd grad = X.transpose() * grad_w;
    Eigen::MatrixXd F = weighted_gram(X, fisher_w);
    grad.head(D - 1) += prec * (w.head(D - 1) - prior_mean);
    F.diagonal().head(D - 1).array() += prec;
    F.diagonal().array() += 1e-8;
    const Eigen::VectorXd step = F.ldlt().solve(grad);
    if (grad.dot(step) < 1e-12 * (std::abs(f) + 1.0)) return;  // converged: nothing left to gain
    double a = 1.0;
    bool moved = false;
    for (int ls = 0; ls < 20 && !moved; ++ls, a *= 0.5) {
      const Eigen::VectorXd trial = w - a * step;
      const double ft = objective(trial, lam_trial);
      if (std::isfinite(ft) && ft <= f) {
        w = trial;
        f = ft;
        lam.swap(lam_trial);
        moved = true;
      }
    }
    if (!moved) return;  // no descent at machine precision
  }
}

void detail::m_step_markov(hmm_glm_model& m, const matrix& post, const matrix& trans) {
  const Eigen::Index K = post.cols();
  m.initial = post.row(0).transpose();
  m.initial = (m.initial.array() + 1e-8).matrix();
  m.initial /= m.initial.sum();
  for (Eigen::Index j = 0; j < K; ++j) {
    const double s = trans.row(j).sum();
    if (s > 0)
      m.transition.row(j) = (trans.row(j).array() + 1e-8).matrix() / (s + static_cast<double>(K) * 1e-8);
    else
      m.transition.row(j).setConstant(1.0 / static_cast<double>(K));
  }
}

namespace {

void m_step(hmm_glm_model& m, const matrix& X, const Eigen::Ref<const matrix>& y, const matrix& post,
            const matrix& trans, const hmm_glm_params& p) {
  const Eigen::Index K = post.cols(), N = y.cols();
  detail::m_step_markov(m, post, trans);
  const double prec = std::isfinite(p.prior_sd) ? 1.0 / (p.prior_sd * p.prior_sd) : 0.0;
  matrix wbar = matrix::Zero(N, N);
  for (const auto& w : m.weights) wbar += w / static_cast<double>(K);
  // the K·N GLMs are independent: one chunk each (the result does not depend on the thread)
  hebb::detail::chunk_pool::instance().run(static_cast<std::size_t>(K * N), [&](std::size_t c) {
    const auto kn = static_cast<Eigen::Index>(c);
    const Eigen::Index k = kn / N, n = kn % N;
    Eigen::VectorXd w(N + 1);
    w.head(N) = m.weights[static_cast<std::size_t>(k)].row(n).transpose();
    w(N) = m.bias(k, n);
    detail::fit_state_glm(X, y.col(n), post.col(k), w, wbar.row(n).transpose(), prec, p.fisher_steps);
    m.weights[static_cast<std::size_t>(k)].row(n) = w.head(N).transpose();
    m.bias(k, n) = w(N);
  });
}

}  // namespace

hmm_glm_fit fit_hmm_glm(const Eigen::Ref<const matrix>& y, const hmm_glm_params& p) {
  p.validate();
  check_counts(y, "fit_hmm_glm");
  const Eigen::Index T = y.rows(), N = y.cols(), K = static_cast<Eigen::Index>(p.n_states);
  const Eigen::Index needed = 10 * K * (N + 1);
  if (N < 1 || T < needed)
    throw Error("fit_hmm_glm: {} bins of {} neurons: too few samples for {} states (need at least "
                "10 * K * (N + 1) = {} bins)", T, N, K, needed);
  const matrix h = history_features(y, p.basis);
  matrix X(T, N + 1);
  X.leftCols(N) = h;
  X.col(N).setOnes();
  const double mean_rate = std::max(y.mean(), 1e-3);
  const double b0 = std::log(std::expm1(mean_rate));  // softplus^-1 of the mean count
  hmm_glm_fit best;
  double best_ll = -std::numeric_limits<double>::infinity();
  for (int r = 0; r < p.restarts; ++r) {
    // random initial segmentation: chunks of T/(10K) bins assigned to random states
    counter_rng rng(p.seed, stream::analysis, 0x4848u, static_cast<std::uint64_t>(r));
    const Eigen::Index chunk = std::max<Eigen::Index>(1, T / (10 * K));
    matrix post = matrix::Zero(T, K);
    for (Eigen::Index t0 = 0; t0 < T; t0 += chunk) {
      const auto k = static_cast<Eigen::Index>(rng.below(static_cast<std::uint64_t>(K)));
      post.block(t0, k, std::min(chunk, T - t0), 1).setOnes();
    }
    hmm_glm_model m;
    m.basis = p.basis;
    m.initial = Eigen::VectorXd::Constant(K, 1.0 / static_cast<double>(K));
    m.transition = matrix::Constant(K, K, K > 1 ? (1 - p.init_stay) / static_cast<double>(K - 1) : 1.0);
    m.transition.diagonal().setConstant(K > 1 ? p.init_stay : 1.0);
    m.bias = matrix::Constant(K, N, b0);
    m.weights.assign(static_cast<std::size_t>(K), matrix::Zero(N, N));
    matrix trans = m.transition * static_cast<double>(T) / static_cast<double>(K);
    m_step(m, X, y, post, trans, p);
    std::vector<double> trace;
    bool converged = false;
    int it = 0;
    for (; it < p.max_iter; ++it) {
      const matrix le = emission_from_features(m, y, h);
      const auto fb = forward_backward(log_of(m.initial.transpose()).transpose(), log_of(m.transition), le);
      trace.push_back(fb.log_likelihood);
      if (trace.size() >= 2 && std::abs(trace.back() - trace[trace.size() - 2]) < p.tol * static_cast<double>(T)) {
        converged = true;
        post = fb.posterior;
        break;
      }
      post = fb.posterior;
      m_step(m, X, y, post, fb.transitions, p);
    }
    if (trace.back() > best_ll) {
      best_ll = trace.back();
      best.model = m;
      best.posterior = post;
      best.log_likelihood = trace;
      best.iterations = it + (converged ? 1 : 0);
      best.converged = converged;
    }
  }
  if (!best.converged && p.require_convergence) {
    const auto& tr = best.log_likelihood;
    throw Error("fit_hmm_glm: EM did not converge in max_iter = {} iterations (last LL change {:.3g} "
                "nats, tol * T = {:.3g}); raise hmm_glm.max_iter or tol", p.max_iter,
                tr.size() >= 2 ? tr.back() - tr[tr.size() - 2] : 0.0, p.tol * static_cast<double>(T));
  }
  return best;
}

double hmm_glm_em_step(hmm_glm_model& m, const Eigen::Ref<const matrix>& y, const hmm_glm_params& p) {
  p.validate();
  check_counts(y, "hmm_glm_em_step");
  check_model(m, y.cols(), "hmm_glm_em_step");
  if (m.basis != p.basis) throw Error("hmm_glm_em_step: the model's basis differs from params.basis");
  const Eigen::Index T = y.rows(), N = y.cols();
  const matrix h = history_features(y, m.basis);
  matrix X(T, N + 1);
  X.leftCols(N) = h;
  X.col(N).setOnes();
  const matrix le = emission_from_features(m, y, h);
  const auto fb = forward_backward(log_of(m.initial.transpose()).transpose(), log_of(m.transition), le);
  m_step(m, X, y, fb.posterior, fb.transitions, p);
  return fb.log_likelihood;
}

hmm_glm_sample sample_hmm_glm(const hmm_glm_model& m, std::size_t n_bins, std::uint64_t seed) {
  const Eigen::Index N = m.bias.cols();
  check_model(m, N, "sample_hmm_glm");
  const auto T = static_cast<Eigen::Index>(n_bins);
  const auto L = static_cast<Eigen::Index>(m.basis.size());
  hmm_glm_sample s;
  s.counts = matrix::Zero(T, N);
  s.states.resize(n_bins);
  counter_rng zr(seed, stream::analysis, 0x5A5Au);
  auto draw = [&](const auto& probs) {
    double u = zr.uniform(), c = 0;
    for (Eigen::Index k = 0; k < probs.size(); ++k)
      if ((c += probs(k)) >= u) return k;
    return probs.size() - 1;
  };
  Eigen::Index z = draw(m.initial);
  Eigen::VectorXd h(N);
  for (Eigen::Index t = 0; t < T; ++t) {
    if (t > 0) z = draw(m.transition.row(z));
    s.states[static_cast<std::size_t>(t)] = z;
    h.setZero();
    for (Eigen::Index l = 1; l <= std::min(L, t); ++l) h += m.basis[static_cast<std::size_t>(l - 1)] * s.counts.row(t - l).transpose();
    const Eigen::VectorXd eta = m.weights[static_cast<std::size_t>(z)] * h + m.bias.row(z).transpose();
    counter_rng yr(seed, stream::analysis, 0x5959u, static_cast<std::uint64_t>(t));
    for (Eigen::Index n = 0; n < N; ++n) {
      const double lam = std::max(softplus(eta(n)), min_rate);
      if (!(lam < 1e6))
        throw Error("sample_hmm_glm: rate of neuron {} reached {} per bin at bin {}: the model's "
                    "history feedback is unstable (reduce the excitatory weights or the basis)", n, lam, t);
      s.counts(t, n) = static_cast<double>(yr.poisson(lam));
    }
  }
  return s;
}

}  // namespace hebb::analysis
