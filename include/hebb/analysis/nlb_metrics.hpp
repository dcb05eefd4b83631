#pragma once
// Neural Latents Benchmark metrics (Pei et al., NeurIPS 2021 Datasets; nlb_tools
// evaluation.py), on spike counts arranged as samples x neurons (samples = trials x
// time bins, flattened trial-major) with predicted Poisson rates in counts per bin.
//
//   NLL(λ, y)   = Σ (λ - y log λ + log y!)                   (0 log 0 = 0)
//   λ_null[n]   = mean over samples of y[:, n]               (per-neuron mean-rate null)
//   bits/spike  = (NLL(λ_null, y) - NLL(λ, y)) / (Σ y · ln 2)
// NaN counts are missing samples: they are left out of every sum and mean (as
// nlb_tools does). bits/spike of the null itself is 0 exactly, and any reordering
// of the samples leaves it unchanged.
//
// Co-smoothing (nlb_tools' smoothing baseline): held-in spikes are smoothed with a
// Gaussian kernel within each trial, x = log(smoothed + 1e-4), and a Poisson GLM
//   λ_n = exp(w_n · x + b_n)
// per held-out neuron is fitted on the training trials by Newton's method on
//   mean NLL + alpha/2 |w_n|^2   (the intercept is not penalised; sklearn's
//   PoissonRegressor objective). co-bps = bits/spike of the eval held-out predictions.
//
// PSTH R²: 1 - Σ(psth - pred)² / Σ(psth - mean psth)² per neuron, averaged over
// neurons (sklearn r2_score, uniform average), on condition-averaged rates.
#include <cstddef>
#include <cstdint>
#include <span>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

// Σ (λ - y log λ + log y!) over the non-NaN entries of `counts`.
double poisson_nll(const Eigen::Ref<const matrix>& rates, const Eigen::Ref<const matrix>& counts);

// nlb_tools bits_per_spike.
double bits_per_spike(const Eigen::Ref<const matrix>& rates, const Eigen::Ref<const matrix>& counts);

// Per-neuron mean count over the non-NaN samples, repeated over samples.
matrix null_rates(const Eigen::Ref<const matrix>& counts);

// Gaussian smoothing of each column within consecutive trials of `trial_length`
// rows; kernel standard deviation `sd_bins` in bins, truncated at 3 sd and
// renormalised at trial edges.
matrix smooth_trials(const Eigen::Ref<const matrix>& counts, std::size_t trial_length, double sd_bins);

struct co_smoothing_params {
  double kernel_sd = 50.0;   // Gaussian kernel standard deviation [ms]
  double bin = 5.0;          // bin width [ms]
  double alpha = 0.0;        // L2 penalty of the GLM weights [1]
  int max_iter = 100;        // Newton iterations per neuron [1]
  double tol = 1e-9;         // stop when max |gradient| of the objective falls below this [1]
  void validate() const;
};

struct co_smoothing_result {
  matrix rates;    // predicted held-out rates on the eval samples [counts/bin]
  matrix weights;  // (held-in + 1) x held-out GLM weights; the last row is the bias
  double co_bps;   // bits/spike of `rates` on the eval held-out counts
};

// Predict held-out neurons from held-in ones (trials of `trial_length` bins).
co_smoothing_result co_smoothing(const Eigen::Ref<const matrix>& heldin_train,
                                 const Eigen::Ref<const matrix>& heldout_train,
                                 const Eigen::Ref<const matrix>& heldin_eval,
                                 const Eigen::Ref<const matrix>& heldout_eval,
                                 std::size_t trial_length, const co_smoothing_params& p = {});

// Condition-averaged rates: (n_conditions * trial_length) x neurons, condition c in
// rows [c*T, (c+1)*T); conditions[i] in [0, n_conditions) labels trial i.
matrix psth(const Eigen::Ref<const matrix>& counts, std::size_t trial_length,
            std::span<const std::int64_t> conditions);

// R² of predicted against true PSTHs, averaged over neurons.
double psth_r2(const Eigen::Ref<const matrix>& true_psth, const Eigen::Ref<const matrix>& pred_psth);

}  // namespace hebb::analysis
