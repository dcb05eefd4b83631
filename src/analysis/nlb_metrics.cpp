#include <hebb/analysis/nlb_metrics.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include <Eigen/Dense>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

namespace {

void same_shape(const Eigen::Ref<const matrix>& a, const Eigen::Ref<const matrix>& b,
                const char* who, const char* an, const char* bn) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw Error("{}: {} is {}x{} but {} is {}x{}: must have the same shape", who, an, a.rows(),
                a.cols(), bn, b.rows(), b.cols());
}

void check_counts(const Eigen::Ref<const matrix>& y, const char* who) {
  for (Eigen::Index i = 0; i < y.rows(); ++i)
    for (Eigen::Index j = 0; j < y.cols(); ++j) {
      const double v = y(i, j);
      if (std::isnan(v)) continue;  // missing sample
      if (v < 0 || std::isinf(v))
        throw Error("{}: counts[{}, {}] = {}: counts must be >= 0 and finite (NaN marks missing)",
                    who, i, j, v);
    }
}

}  // namespace

double poisson_nll(const Eigen::Ref<const matrix>& rates, const Eigen::Ref<const matrix>& counts) {
  same_shape(rates, counts, "poisson_nll", "rates", "counts");
  check_counts(counts, "poisson_nll");
  double nll = 0.0;
  for (Eigen::Index i = 0; i < counts.rows(); ++i)
    for (Eigen::Index j = 0; j < counts.cols(); ++j) {
      const double y = counts(i, j), lam = rates(i, j);
      if (std::isnan(y)) continue;
      if (!(lam >= 0) || std::isinf(lam))
        throw Error("poisson_nll: rates[{}, {}] = {}: must be >= 0 and finite", i, j, lam);
      if (lam == 0 && y > 0)
        throw Error("poisson_nll: rates[{}, {}] = 0 with {} spikes: the likelihood is 0 (rates "
                    "must be > 0 where spikes occur)", i, j, y);
      nll += lam - (y > 0 ? y * std::log(lam) : 0.0) + std::lgamma(y + 1.0);
    }
  return nll;
}

matrix null_rates(const Eigen::Ref<const matrix>& counts) {
  check_counts(counts, "null_rates");
  matrix out(counts.rows(), counts.cols());
  for (Eigen::Index j = 0; j < counts.cols(); ++j) {
    double s = 0;
    Eigen::Index m = 0;
    for (Eigen::Index i = 0; i < counts.rows(); ++i)
      if (!std::isnan(counts(i, j))) s += counts(i, j), ++m;
    if (m == 0) throw Error("null_rates: neuron {} has no non-NaN sample", j);
    out.col(j).setConstant(s / static_cast<double>(m));
  }
  return out;
}

double bits_per_spike(const Eigen::Ref<const matrix>& rates, const Eigen::Ref<const matrix>& counts) {
  same_shape(rates, counts, "bits_per_spike", "rates", "counts");
  double total = 0;
  for (Eigen::Index i = 0; i < counts.rows(); ++i)
    for (Eigen::Index j = 0; j < counts.cols(); ++j)
      if (!std::isnan(counts(i, j))) total += counts(i, j);
  const double nll_model = poisson_nll(rates, counts);
  if (total <= 0) throw Error("bits_per_spike: counts hold no spikes: bits/spike is undefined");
  const double nll_null = poisson_nll(null_rates(counts), counts);
  return (nll_null - nll_model) / (total * std::numbers::ln2);
}

matrix smooth_trials(const Eigen::Ref<const matrix>& counts, std::size_t trial_length, double sd_bins) {
  if (trial_length == 0 || counts.rows() % static_cast<Eigen::Index>(trial_length) != 0)
    throw Error("smooth_trials: trial_length = {}: must be > 0 and divide the {} samples",
                trial_length, counts.rows());
  require(std::isfinite(sd_bins) && sd_bins >= 0, "smooth_trials.sd_bins", sd_bins, ">= 0 bins");
  if (sd_bins == 0) return counts;
  const auto half = static_cast<Eigen::Index>(std::ceil(3 * sd_bins));
  std::vector<double> k(static_cast<std::size_t>(2 * half + 1));
  for (Eigen::Index d = -half; d <= half; ++d)
    k[static_cast<std::size_t>(d + half)] = std::exp(-0.5 * d * d / (sd_bins * sd_bins));
  const auto T = static_cast<Eigen::Index>(trial_length);
  matrix out = matrix::Zero(counts.rows(), counts.cols());
  for (Eigen::Index r0 = 0; r0 < counts.rows(); r0 += T)
    for (Eigen::Index t = 0; t < T; ++t) {
      double wsum = 0;
      for (Eigen::Index d = -half; d <= half; ++d) {
        const Eigen::Index u = t + d;
        if (u < 0 || u >= T) continue;
        const double w = k[static_cast<std::size_t>(d + half)];
        out.row(r0 + t) += w * counts.row(r0 + u);
        wsum += w;
      }
      out.row(r0 + t) /= wsum;
    }
  return out;
}

void co_smoothing_params::validate() const {
  require(std::isfinite(kernel_sd) && kernel_sd >= 0, "co_smoothing.kernel_sd", kernel_sd, ">= 0 ms");
  require(std::isfinite(bin) && bin > 0, "co_smoothing.bin", bin, "> 0 ms");
  require(std::isfinite(alpha) && alpha >= 0, "co_smoothing.alpha", alpha, ">= 0");
  require(max_iter >= 1, "co_smoothing.max_iter", max_iter, ">= 1");
  require(tol > 0, "co_smoothing.tol", tol, "> 0");
}

namespace {

// Poisson GLM with log link by damped Newton: minimise mean(λ - y·η) + alpha/2 |w|^2,
// η = X w (X carries a last column of ones, whose weight is not penalised).
Eigen::VectorXd fit_poisson_glm(const matrix& X, const Eigen::VectorXd& y, double alpha,
                                int max_iter, double tol, Eigen::Index neuron) {
  const Eigen::Index n = X.rows(), d = X.cols();
  Eigen::VectorXd w = Eigen::VectorXd::Zero(d);
  w(d - 1) = std::log(std::max(y.mean(), 1e-8));
  auto objective = [&](const Eigen::VectorXd& v) {
    const Eigen::VectorXd eta = X * v;
    return ((eta.array().exp() - y.array() * eta.array()).sum()) / static_cast<double>(n) +
           0.5 * alpha * v.head(d - 1).squaredNorm();
  };
  double f = objective(w);
  for (int it = 0; it < max_iter; ++it) {
    const Eigen::VectorXd lam = (X * w).array().exp();
    Eigen::VectorXd g = X.transpose() * (lam - y) / static_cast<double>(n);
    Eigen::MatrixXd H = Eigen::MatrixXd::Zero(d, d);  // X' diag(λ) X / n, by rows (thin: no GEMM threads)
    for (Eigen::Index t = 0; t < n; ++t)
      for (Eigen::Index i = 0; i < d; ++i)
        for (Eigen::Index j = 0; j <= i; ++j) H(i, j) += lam(t) * X(t, i) * X(t, j);
    H = Eigen::MatrixXd(H.selfadjointView<Eigen::Lower>()) / static_cast<double>(n);
    g.head(d - 1) += alpha * w.head(d - 1);
    H.diagonal().head(d - 1).array() += alpha;
    H.diagonal().array() += 1e-10;  // keeps H positive definite for collinear inputs
    const Eigen::VectorXd step = H.ldlt().solve(g);
    const double decrement = g.dot(step);
    // converged: small gradient, or no decrease left that double precision can resolve
    if (g.cwiseAbs().maxCoeff() < tol || decrement <= 1e-14 * (1.0 + std::abs(f))) return w;
    double s = 1.0;
    for (int ls = 0; ls < 40; ++ls, s *= 0.5) {  // backtracking line search
      const Eigen::VectorXd trial = w - s * step;
      const double ft = objective(trial);
      if (std::isfinite(ft) && ft <= f - 0.25 * s * decrement) {
        w = trial;
        f = ft;
        break;
      }
      if (ls == 39) {  // no descent left at machine precision
        if (g.cwiseAbs().maxCoeff() < 1e3 * tol) return w;
        throw Error("co_smoothing: the Poisson GLM of held-out neuron {} stalled with gradient "
                    "{:.3g}; raise co_smoothing.alpha", neuron, g.cwiseAbs().maxCoeff());
      }
    }
  }
  throw Error("co_smoothing: the Poisson GLM of held-out neuron {} did not converge in max_iter "
              "Newton steps; raise co_smoothing.max_iter or alpha", neuron);
}

matrix glm_inputs(const Eigen::Ref<const matrix>& heldin, std::size_t T, double sd_bins) {
  const matrix s = smooth_trials(heldin, T, sd_bins);
  matrix X(s.rows(), s.cols() + 1);
  X.leftCols(s.cols()) = (s.array() + 1e-4).log().matrix();
  X.col(s.cols()).setOnes();
  return X;
}

}  // namespace

co_smoothing_result co_smoothing(const Eigen::Ref<const matrix>& heldin_train,
                                 const Eigen::Ref<const matrix>& heldout_train,
                                 const Eigen::Ref<const matrix>& heldin_eval,
                                 const Eigen::Ref<const matrix>& heldout_eval,
                                 std::size_t trial_length, const co_smoothing_params& p) {
  p.validate();
  if (heldin_train.rows() != heldout_train.rows() || heldin_eval.rows() != heldout_eval.rows() ||
      heldin_train.cols() != heldin_eval.cols() || heldout_train.cols() != heldout_eval.cols())
    throw Error("co_smoothing: shapes heldin_train {}x{}, heldout_train {}x{}, heldin_eval {}x{}, "
                "heldout_eval {}x{}: train/eval rows and heldin/heldout columns must match",
                heldin_train.rows(), heldin_train.cols(), heldout_train.rows(), heldout_train.cols(),
                heldin_eval.rows(), heldin_eval.cols(), heldout_eval.rows(), heldout_eval.cols());
  check_counts(heldin_train, "co_smoothing(heldin_train)");
  check_counts(heldout_train, "co_smoothing(heldout_train)");
  check_counts(heldin_eval, "co_smoothing(heldin_eval)");
  if (!heldin_train.allFinite() || !heldin_eval.allFinite() || !heldout_train.allFinite())
    throw Error("co_smoothing: training counts and eval held-in counts must not hold NaN");
  const double sd_bins = p.kernel_sd / p.bin;
  const matrix Xtr = glm_inputs(heldin_train, trial_length, sd_bins);
  const matrix Xev = glm_inputs(heldin_eval, trial_length, sd_bins);
  co_smoothing_result r;
  r.weights.resize(Xtr.cols(), heldout_train.cols());
  for (Eigen::Index n = 0; n < heldout_train.cols(); ++n)
    r.weights.col(n) = fit_poisson_glm(Xtr, heldout_train.col(n), p.alpha, p.max_iter, p.tol, n);
  r.rates = (Xev * r.weights).array().exp().matrix();
  r.co_bps = bits_per_spike(r.rates, heldout_eval);
  return r;
}

matrix psth(const Eigen::Ref<const matrix>& counts, std::size_t trial_length,
            std::span<const std::int64_t> conditions) {
  const auto T = static_cast<Eigen::Index>(trial_length);
  if (T == 0 || counts.rows() != T * static_cast<Eigen::Index>(conditions.size()))
    throw Error("psth: {} samples but {} trials of {} bins: must be equal", counts.rows(),
                conditions.size(), trial_length);
  std::int64_t nc = 0;
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    if (conditions[i] < 0) throw Error("psth: conditions[{}] = {}: must be >= 0", i, conditions[i]);
    nc = std::max(nc, conditions[i] + 1);
  }
  matrix out = matrix::Zero(nc * T, counts.cols());
  std::vector<double> n_in(static_cast<std::size_t>(nc), 0.0);
  for (std::size_t i = 0; i < conditions.size(); ++i) {
    out.middleRows(conditions[i] * T, T) += counts.middleRows(static_cast<Eigen::Index>(i) * T, T);
    n_in[static_cast<std::size_t>(conditions[i])] += 1;
  }
  for (std::int64_t c = 0; c < nc; ++c) {
    if (n_in[static_cast<std::size_t>(c)] == 0)
      throw Error("psth: condition {} has no trial (conditions must be 0..n-1)", c);
    out.middleRows(c * T, T) /= n_in[static_cast<std::size_t>(c)];
  }
  return out;
}

double psth_r2(const Eigen::Ref<const matrix>& true_psth, const Eigen::Ref<const matrix>& pred_psth) {
  same_shape(true_psth, pred_psth, "psth_r2", "true_psth", "pred_psth");
  if (true_psth.rows() < 2) throw Error("psth_r2: {} rows: need >= 2", true_psth.rows());
  double sum = 0;
  for (Eigen::Index j = 0; j < true_psth.cols(); ++j) {
    const double mean = true_psth.col(j).mean();
    const double ss_tot = (true_psth.col(j).array() - mean).square().sum();
    const double ss_res = (true_psth.col(j) - pred_psth.col(j)).squaredNorm();
    if (ss_tot == 0) throw Error("psth_r2: true PSTH of neuron {} is constant: R² undefined", j);
    sum += 1 - ss_res / ss_tot;
  }
  return sum / static_cast<double>(true_psth.cols());
}

}  // namespace hebb::analysis
