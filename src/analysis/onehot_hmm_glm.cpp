#include <hebb/analysis/onehot_hmm_glm.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <Eigen/Dense>

#include <hebb/core/chunk_pool.hpp>
#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

#include "hmm_glm_impl.hpp"

namespace hebb::analysis {

using detail::min_rate;
using detail::sigmoid;
using detail::softplus;

void onehot_hmm_glm_params::validate() const {
  require(n_states >= 1, "onehot_hmm_glm.n_states", static_cast<double>(n_states), ">= 1");
  if (basis.empty()) throw Error("onehot_hmm_glm.basis: empty: must hold at least one lag weight");
  for (std::size_t l = 0; l < basis.size(); ++l)
    require(std::isfinite(basis[l]), fmt::format("onehot_hmm_glm.basis[{}]", l), basis[l], "finite");
  require(tau > 0 && std::isfinite(tau), "onehot_hmm_glm.tau", tau, "> 0 and finite");
  require(learning_rate > 0 && learning_rate < 10, "onehot_hmm_glm.learning_rate", learning_rate, "in (0, 10)");
  require(adam_steps >= 1, "onehot_hmm_glm.adam_steps", adam_steps, ">= 1");
  require(type_iter >= 1, "onehot_hmm_glm.type_iter", type_iter, ">= 1");
  require(max_iter >= 1, "onehot_hmm_glm.max_iter", max_iter, ">= 1");
  require(tol > 0, "onehot_hmm_glm.tol", tol, "> 0 nats per bin");
  require(fisher_steps >= 1, "onehot_hmm_glm.fisher_steps", fisher_steps, ">= 1");
  require(restarts >= 1, "onehot_hmm_glm.restarts", restarts, ">= 1");
  require(min_strength >= 0 && std::isfinite(min_strength), "onehot_hmm_glm.min_strength", min_strength, ">= 0 and finite");
  require(strength_sd > 0 && std::isfinite(strength_sd), "onehot_hmm_glm.strength_sd", strength_sd, "> 0 and finite");
  require(init_prior_sd > 0, "onehot_hmm_glm.init_prior_sd", init_prior_sd, "> 0 (inf for no prior)");
}

Eigen::MatrixXi connection_types(const Eigen::Ref<const matrix>& w, double threshold) {
  require(threshold >= 0 && std::isfinite(threshold), "connection_types.threshold", threshold, ">= 0 and finite");
  Eigen::MatrixXi t(w.rows(), w.cols());
  for (Eigen::Index i = 0; i < w.rows(); ++i)
    for (Eigen::Index j = 0; j < w.cols(); ++j)
      t(i, j) = std::abs(w(i, j)) < threshold ? 0 : (w(i, j) > 0 ? 1 : -1);
  return t;
}

namespace {

constexpr int n_types = 3;  // inh, none, exc

// Parameters of one (state, neuron) row with its Adam moments.
struct row_params {
  matrix alpha;          // N x 3 type logits
  Eigen::VectorXd rho;   // N strength pre-activations, s = softplus(ρ)
  double bias = 0;
  // Adam moments, same layout as the parameters
  matrix m_alpha, v_alpha;
  Eigen::VectorXd m_rho, v_rho;
  double m_b = 0, v_b = 0;
  int t = 0;
  Eigen::VectorXd w;     // current weights of the row (Laplace update)
};

inline double inv_softplus(double s) { return s > 30 ? s : std::log(std::expm1(s)); }

// q = softmax(α) per row of an N x 3 matrix.
matrix softmax_rows(const matrix& a) {
  matrix q(a.rows(), a.cols());
  for (Eigen::Index j = 0; j < a.rows(); ++j) {
    const double m = a.row(j).maxCoeff();
    double z = 0;
    for (int c = 0; c < n_types; ++c) z += (q(j, c) = std::exp(a(j, c) - m));
    q.row(j) /= z;
  }
  return q;
}

// Adam steps on one row's loss (module header, step 1).
void adam_row(row_params& r, const matrix& h, const Eigen::VectorXd& y, const Eigen::VectorXd& g,
              const matrix& log_prior, const onehot_hmm_glm_params& p, std::uint64_t row_id, int em_iter) {
  const Eigen::Index T = h.rows(), N = h.cols();
  constexpr double b1 = 0.9, b2 = 0.999, eps = 1e-8;
  const double lr = p.learning_rate, inv_tau = 1.0 / p.tau;
  Eigen::VectorXd w(N), s(N), eta(T), e(T), G(N);
  matrix a(N, n_types), grad_alpha(N, n_types);
  Eigen::VectorXd grad_rho(N);
  for (int step = 0; step < p.adam_steps; ++step) {
    counter_rng rng(p.seed, stream::analysis, (std::uint64_t{0x1407} << 40) + row_id,
                    static_cast<std::uint64_t>(em_iter) * static_cast<std::uint64_t>(p.adam_steps) +
                        static_cast<std::uint64_t>(step));
    // Gumbel-softmax sample of the one-hot types
    for (Eigen::Index j = 0; j < N; ++j) {
      double z[n_types], mx = -1e300;
      for (int c = 0; c < n_types; ++c) {
        const double gumbel = -std::log(-std::log(rng.uniform53()));
        z[c] = (r.alpha(j, c) + gumbel) * inv_tau;
        mx = std::max(mx, z[c]);
      }
      double sum = 0;
      for (int c = 0; c < n_types; ++c) sum += (z[c] = std::exp(z[c] - mx));
      for (int c = 0; c < n_types; ++c) a(j, c) = z[c] / sum;
      s(j) = p.min_strength + softplus(r.rho(j));
      w(j) = (a(j, 2) - a(j, 0)) * s(j);
    }
    // data term: Σ γ (λ - y log λ); dL/dη_t = γ σ(η)(1 - y/λ)
    eta.noalias() = h * w;
    eta.array() += r.bias;
    for (Eigen::Index t = 0; t < T; ++t) {
      const double lam = std::max(softplus(eta(t)), min_rate);
      e(t) = g(t) * sigmoid(eta(t)) * (1.0 - y(t) / lam);
    }
    G.noalias() = h.transpose() * e;
    const double grad_b = e.sum();
    // KL(q || prior) term
    const matrix q = softmax_rows(r.alpha);
    for (Eigen::Index j = 0; j < N; ++j) {
      const double u2 = G(j) * s(j);  // dL/da_exc; dL/da_inh = -u2; dL/da_none = 0
      const double ubar = a(j, 2) * u2 - a(j, 0) * u2;
      double kl[n_types], klbar = 0;
      for (int c = 0; c < n_types; ++c) {
        kl[c] = std::log(std::max(q(j, c), 1e-300)) - log_prior(j, c);
        klbar += q(j, c) * kl[c];
      }
      const double u[n_types] = {-u2, 0.0, u2};
      for (int c = 0; c < n_types; ++c)
        grad_alpha(j, c) = a(j, c) * (u[c] - ubar) * inv_tau + q(j, c) * (kl[c] - klbar);
      grad_rho(j) = G(j) * (a(j, 2) - a(j, 0)) * sigmoid(r.rho(j));
    }
    // Adam update
    ++r.t;
    const double c1 = 1.0 - std::pow(b1, r.t), c2 = 1.0 - std::pow(b2, r.t);
    r.m_alpha = b1 * r.m_alpha + (1 - b1) * grad_alpha;
    r.v_alpha = b2 * r.v_alpha + (1 - b2) * grad_alpha.cwiseAbs2();
    r.alpha.array() -= lr * (r.m_alpha.array() / c1) / ((r.v_alpha.array() / c2).sqrt() + eps);
    r.m_rho = b1 * r.m_rho + (1 - b1) * grad_rho;
    r.v_rho = b2 * r.v_rho + (1 - b2) * grad_rho.cwiseAbs2();
    r.rho.array() -= lr * (r.m_rho.array() / c1) / ((r.v_rho.array() / c2).sqrt() + eps);
    r.m_b = b1 * r.m_b + (1 - b1) * grad_b;
    r.v_b = b2 * r.v_b + (1 - b2) * grad_b * grad_b;
    r.bias -= lr * (r.m_b / c1) / (std::sqrt(r.v_b / c2) + eps);
  }
}


// γ-weighted Poisson loss Σ γ (λ - y log λ) at linear predictors eta.
double row_loss(const Eigen::VectorXd& eta, const Eigen::VectorXd& y, const Eigen::VectorXd& g) {
  double f = 0;
  for (Eigen::Index t = 0; t < eta.size(); ++t) {
    const double lam = std::max(softplus(eta(t)), min_rate);
    f += g(t) * (lam - y(t) * std::log(lam));
  }
  return f;
}

// Coordinate ascent on the types of one row (module header, Laplace update).
void laplace_row(row_params& r, const matrix& hc, const Eigen::VectorXd& y, const Eigen::VectorXd& g,
                 const matrix& log_prior, const onehot_hmm_glm_params& p) {
  const Eigen::Index T = hc.rows(), N = hc.cols();
  const double var = p.strength_sd * p.strength_sd;
  Eigen::VectorXd eta = hc * r.w;
  eta.array() += r.bias;
  Eigen::VectorXd base(T), trial(T);
  for (Eigen::Index j = 0; j < N; ++j) {
    const auto hj = hc.col(j);
    base = eta - r.w(j) * hj;
    double score[n_types], what[n_types] = {0, 0, 0};
    score[1] = log_prior(j, 1) - row_loss(base, y, g);
    for (int c : {-1, 1}) {
      double w = r.w(j) * c > 0 ? r.w(j) : c * std::max(p.strength_sd * 0.1, 1e-3);
      trial = base + w * hj;
      double f = row_loss(trial, y, g) + 0.5 * w * w / var, fisher = 1.0 / var;
      for (int it = 0; it < 8; ++it) {
        double grad = w / var;
        fisher = 1.0 / var;
        for (Eigen::Index t = 0; t < T; ++t) {
          const double lam = std::max(softplus(trial(t)), min_rate), sg = sigmoid(trial(t));
          grad += g(t) * sg * (1.0 - y(t) / lam) * hj(t);
          fisher += g(t) * sg * sg / lam * hj(t) * hj(t);
        }
        double step = grad / fisher, moved = false;
        for (int ls = 0; ls < 10 && !moved; ++ls, step *= 0.5) {
          double wn = w - step;
          if (wn * c <= 0) wn = c * 1e-6;  // stay on this type's half-line
          const Eigen::VectorXd tn = base + wn * hj;
          const double fn = row_loss(tn, y, g) + 0.5 * wn * wn / var;
          if (fn <= f) {
            const double dw = std::abs(wn - w);
            w = wn, f = fn, trial = tn, moved = true;
            if (dw < 1e-6) it = 8;
          }
        }
        if (!moved) break;
      }
      // log ∫ exp(-loss) · 2 N(w; 0, σ²) dw over w·c > 0, by Laplace's method
      score[c + 1] = log_prior(j, c + 1) - f + std::log(2.0) - 0.5 * std::log(var * fisher);
      what[c + 1] = w;
    }
    const double mx = std::max({score[0], score[1], score[2]});
    int best = 0;
    for (int c = 0; c < n_types; ++c) {
      r.alpha(j, c) = score[c] - mx;
      if (score[c] > score[best]) best = c;
    }
    r.w(j) = what[best];
    eta = base + r.w(j) * hj;
  }
}

}  // namespace

onehot_hmm_glm_fit fit_onehot_hmm_glm(const Eigen::Ref<const matrix>& y, const onehot_hmm_glm_params& p) {
  p.validate();
  detail::check_counts(y, "fit_onehot_hmm_glm");
  const Eigen::Index T = y.rows(), N = y.cols(), K = static_cast<Eigen::Index>(p.n_states);

  // 0. the Gaussian-prior HMM-GLM as the starting point (also checks the sample size)
  hmm_glm_params g;
  g.n_states = p.n_states;
  g.basis = p.basis;
  g.prior_sd = p.init_prior_sd;
  g.tol = p.tol;
  g.fisher_steps = p.fisher_steps;
  g.restarts = p.restarts;
  g.seed = p.seed;
  g.require_convergence = false;  // only a starting point; the one-hot fit reports its own convergence
  const hmm_glm_fit init = fit_hmm_glm(y, g);

  const matrix h = history_features(y, p.basis);
  std::vector<row_params> rows(static_cast<std::size_t>(K * N));
  for (Eigen::Index k = 0; k < K; ++k)
    for (Eigen::Index n = 0; n < N; ++n) {
      auto& r = rows[static_cast<std::size_t>(k * N + n)];
      r.alpha = matrix::Zero(N, n_types);
      r.rho.resize(N);
      for (Eigen::Index j = 0; j < N; ++j)
        r.rho(j) = inv_softplus(std::max(std::abs(init.model.weights[static_cast<std::size_t>(k)](n, j)) - p.min_strength, 0.05));
      r.bias = init.model.bias(k, n);
      r.m_alpha = r.v_alpha = matrix::Zero(N, n_types);
      r.m_rho = r.v_rho = Eigen::VectorXd::Zero(N);
      r.w = init.model.weights[static_cast<std::size_t>(k)].row(n).transpose();
    }
  const Eigen::MatrixXd hc = h;  // column-major copy: the Laplace update walks columns
  matrix log_prior_all = matrix::Constant(N * N, n_types, -std::log(3.0));  // row n*N + n'

  onehot_hmm_glm_fit fit;
  hmm_glm_model m = init.model;
  matrix post = init.posterior;
  matrix trans = matrix::Zero(K, K);  // set by the first E-step (the first M-step keeps init's π and A)
  const std::vector<Eigen::VectorXd> ycols = [&] {
    std::vector<Eigen::VectorXd> v;
    for (Eigen::Index n = 0; n < N; ++n) v.emplace_back(y.col(n));
    return v;
  }();
  auto expected_weights = [&](hmm_glm_model& mm) {
    for (Eigen::Index k = 0; k < K; ++k)
      for (Eigen::Index n = 0; n < N; ++n) {
        const auto& r = rows[static_cast<std::size_t>(k * N + n)];
        const matrix q = softmax_rows(r.alpha);
        for (Eigen::Index j = 0; j < N; ++j)
          mm.weights[static_cast<std::size_t>(k)](n, j) = (q(j, 2) - q(j, 0)) * (p.min_strength + softplus(r.rho(j)));
        if (p.method == onehot_method::laplace) mm.weights[static_cast<std::size_t>(k)].row(n) = r.w.transpose();
        mm.bias(k, n) = r.bias;
      }
  };

  // 1. type phase
  for (int it = 0; it < p.type_iter; ++it) {
    if (it > 0) detail::m_step_markov(m, post, trans);
    std::vector<Eigen::VectorXd> gk;
    for (Eigen::Index k = 0; k < K; ++k) gk.emplace_back(post.col(k));
    hebb::detail::chunk_pool::instance().run(static_cast<std::size_t>(K * N), [&](std::size_t c) {
      const auto row = static_cast<Eigen::Index>(c);
      const Eigen::Index k = row / N, n = row % N;
      if (p.method == onehot_method::laplace)
        laplace_row(rows[static_cast<std::size_t>(row)], hc, ycols[static_cast<std::size_t>(n)],
                    gk[static_cast<std::size_t>(k)], log_prior_all.middleRows(n * N, N), p);
      else
        adam_row(rows[static_cast<std::size_t>(row)], h, ycols[static_cast<std::size_t>(n)],
                 gk[static_cast<std::size_t>(k)], log_prior_all.middleRows(n * N, N), p,
                 static_cast<std::uint64_t>(row), it);
    });
    // shared prior: softmax(π) = mean over states of q
    matrix mean_q = matrix::Zero(N * N, n_types);
    for (Eigen::Index k = 0; k < K; ++k)
      for (Eigen::Index n = 0; n < N; ++n)
        mean_q.middleRows(n * N, N) += softmax_rows(rows[static_cast<std::size_t>(k * N + n)].alpha) / static_cast<double>(K);
    log_prior_all = mean_q.unaryExpr([](double x) { return std::log(std::max(x, 1e-6)); });
    expected_weights(m);
    const matrix le = detail::emission_from_features(m, y, h);
    const auto fb = forward_backward(detail::log_of(m.initial.transpose()).transpose(), detail::log_of(m.transition), le);
    fit.log_likelihood.push_back(fb.log_likelihood);
    post = fb.posterior;
    trans = fb.transitions;
  }
  fit.type_iterations = p.type_iter;

  // types = argmax q; strengths s
  fit.types.assign(static_cast<std::size_t>(K), Eigen::MatrixXi::Zero(N, N));
  fit.type_probability.assign(static_cast<std::size_t>(n_types * K), matrix::Zero(N, N));
  for (Eigen::Index k = 0; k < K; ++k)
    for (Eigen::Index n = 0; n < N; ++n) {
      const auto& r = rows[static_cast<std::size_t>(k * N + n)];
      const matrix q = softmax_rows(r.alpha);
      for (Eigen::Index j = 0; j < N; ++j) {
        Eigen::Index c;
        q.row(j).maxCoeff(&c);
        fit.types[static_cast<std::size_t>(k)](n, j) = static_cast<int>(c) - 1;
        for (int cc = 0; cc < n_types; ++cc) fit.type_probability[static_cast<std::size_t>(n_types * k + cc)](n, j) = q(j, cc);
        m.weights[static_cast<std::size_t>(k)](n, j) =
            p.method == onehot_method::laplace ? r.w(j) : static_cast<double>(c - 1) * (p.min_strength + softplus(r.rho(j)));
      }
      m.bias(k, n) = r.bias;
    }
  for (int c = 0; c < n_types; ++c) {
    fit.prior[static_cast<std::size_t>(c)] = matrix(N, N);
    for (Eigen::Index n = 0; n < N; ++n)
      for (Eigen::Index j = 0; j < N; ++j) fit.prior[static_cast<std::size_t>(c)](n, j) = std::exp(log_prior_all(n * N + j, c));
  }

  // 2. strength phase: types fixed, non-zero weights and biases by Fisher scoring
  const double prec = 1e-6;  // tiny ridge: keeps the Fisher matrix regular
  bool converged = false;
  int it = 0;
  double last = -std::numeric_limits<double>::infinity();
  for (; it < p.max_iter; ++it) {
    const matrix le = detail::emission_from_features(m, y, h);
    const auto fb = forward_backward(detail::log_of(m.initial.transpose()).transpose(), detail::log_of(m.transition), le);
    fit.log_likelihood.push_back(fb.log_likelihood);
    post = fb.posterior;
    if (it > 0 && std::abs(fb.log_likelihood - last) < p.tol * static_cast<double>(T)) {
      converged = true;
      break;
    }
    last = fb.log_likelihood;
    detail::m_step_markov(m, post, fb.transitions);
    hebb::detail::chunk_pool::instance().run(static_cast<std::size_t>(K * N), [&](std::size_t c) {
      const auto row = static_cast<Eigen::Index>(c);
      const Eigen::Index k = row / N, n = row % N;
      const auto& ty = fit.types[static_cast<std::size_t>(k)];
      std::vector<Eigen::Index> cols;
      for (Eigen::Index j = 0; j < N; ++j)
        if (ty(n, j) != 0) cols.push_back(j);
      const auto D = static_cast<Eigen::Index>(cols.size());
      matrix X(T, D + 1);
      for (Eigen::Index d = 0; d < D; ++d) X.col(d) = h.col(cols[static_cast<std::size_t>(d)]);
      X.col(D).setOnes();
      Eigen::VectorXd w(D + 1);
      auto& W = m.weights[static_cast<std::size_t>(k)];
      for (Eigen::Index d = 0; d < D; ++d) w(d) = W(n, cols[static_cast<std::size_t>(d)]);
      w(D) = m.bias(k, n);
      detail::fit_state_glm(X, ycols[static_cast<std::size_t>(n)], post.col(k), w, Eigen::VectorXd::Zero(D), prec,
                            p.fisher_steps);
      for (Eigen::Index d = 0; d < D; ++d) W(n, cols[static_cast<std::size_t>(d)]) = w(d);
      m.bias(k, n) = w(D);
    });
  }
  // a refitted weight whose sign opposes its type takes the type of its sign
  for (Eigen::Index k = 0; k < K; ++k)
    for (Eigen::Index n = 0; n < N; ++n)
      for (Eigen::Index j = 0; j < N; ++j) {
        int& ty = fit.types[static_cast<std::size_t>(k)](n, j);
        const double wv = m.weights[static_cast<std::size_t>(k)](n, j);
        if (ty != 0 && wv * ty < 0) ty = -ty;
      }
  fit.model = m;
  fit.posterior = post;
  fit.iterations = it + (converged ? 1 : 0);
  fit.converged = converged;
  if (!converged && p.require_convergence) {
    const auto& tr = fit.log_likelihood;
    throw Error("fit_onehot_hmm_glm: EM did not converge in max_iter = {} iterations of the strength phase "
                "(last LL change {:.3g} nats, tol * T = {:.3g}); raise onehot_hmm_glm.max_iter or tol",
                p.max_iter, tr.size() >= 2 ? tr.back() - tr[tr.size() - 2] : 0.0, p.tol * static_cast<double>(T));
  }
  return fit;
}

}  // namespace hebb::analysis
