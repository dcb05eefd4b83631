#pragma once
// Geo-topological transforms of RDMs (Lin & Kriegeskorte, "The topology and geometry of
// neural representations", PNAS 2024; repo doerlbh/TopologicalRSA, utils_transform.py;
// SYSTEMS.md section 11). Inputs are RDM vectors (rdm.hpp).
//
// RGTM (rank-based geo-topological model): d = rank_minmax(v); with q_l, q_u the l- and
// u-quantiles of d (linear interpolation, numpy's default),
//   GT_{l,u}(d) = 0 for d < q_l,  (d - q_l)/(q_u - q_l) for q_l <= d <= q_u,  1 for d > q_u.
//   l = 0, u = 1 gives d itself (the rank-normalised RDM); l = u gives the binary
//   threshold graph: 0 for d <= q_l, 1 above (our convention for the ties at q_l,
//   where the upstream code divides by zero).
// RGDM (rank-based geodesic model): d = rank(v) (1-based, ties averaged); keep
// the edges i-j with d_ij <= q_p (the p-quantile of d; p = 0.05 by default) weighted by
// d_ij, compute all pairwise shortest-path lengths (Floyd-Warshall), unreachable pairs
// = +inf, and return rank_minmax of the path lengths (inf ranks last). Upstream uses
// the min-max scaled ranks as weights and builds the graph with
// networkx.from_numpy_array, which drops the zero-weight edge of the smallest distance;
// the ranks keep every kept edge at a positive length instead, and their sums are exact
// (equal geodesics tie exactly). The result only depends on ranks, so any positive
// scaling of the weights gives the same RGDM.
// Both are invariant to any strictly increasing distortion of the distances (they see
// only ranks).
#include <cstddef>
#include <span>
#include <vector>

namespace hebb::analysis {

struct geo_topological_params {
  double lower = 0.2;  // l: quantile below which distances become 0 [1]
  double upper = 0.8;  // u: quantile above which distances become 1 [1]
  void validate() const;
};

// RGTM vector of an RDM vector.
std::vector<double> rgtm(std::span<const double> rdm_vector, const geo_topological_params& p = {});

// RGDM vector of an RDM vector; p = quantile of the edges kept.
std::vector<double> rgdm(std::span<const double> rdm_vector, double p = 0.05);

// Quantile q of v with linear interpolation (numpy.quantile's default).
double quantile(std::span<const double> v, double q);

}  // namespace hebb::analysis
