#pragma once
// Time-resolved functional connectivity for dynamic connectomes (Dyballa et al., ICLR
// 2024; SYSTEMS.md section 10). The paper's exact "differential affinity" could not be
// retrieved; this is our derivative-based, non-negative version:
//
//   dx_n(t) = x_n(t+1) - x_n(t)                                 (first differences)
//   a_nm(w) = max(0, r(dx_n, dx_m) over window w)               (w: start s, length L)
// windows start at s = 0, step, 2·step, ... while s + L <= T - 1. A pair where either
// difference is constant in the window gets 0. Pairs n < m in row-major upper-triangle
// order (as rdm_vector), so one row per window is a vector of N(N-1)/2 affinities.
#include <cstddef>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

struct affinity_params {
  std::size_t window = 50;  // L, differences per window [samples]
  std::size_t step = 25;    // window step [samples]
  void validate() const;
};

// traces: T samples x N neurons; returns n_windows x N(N-1)/2.
matrix differential_affinity(const Eigen::Ref<const matrix>& traces, const affinity_params& p);

}  // namespace hebb::analysis
