#pragma once
// Representational dissimilarity matrices (RDMs; Kriegeskorte, Mur & Bandettini 2008)
// and their rank transform, for representational similarity analysis (RSA).
//
//   Euclidean:    d_ij = |x_i - x_j|_2
//   correlation:  d_ij = 1 - r(x_i, x_j),  r the Pearson correlation over features
// x_i is the response pattern (row) to stimulus i. An RDM is symmetric with a zero
// diagonal; its n(n-1)/2 upper-triangle entries, row by row (i < j, scipy's
// squareform order), are the "RDM vector" that the transforms act on.
//
//   rank:     r_k = rank of v_k among v (1-based, ties get their average rank,
//             as scipy.stats.rankdata)
//   min-max:  (r - min r) / (max r - min r)   (all 0 if r is constant)
#include <cstddef>
#include <span>
#include <vector>

#include <hebb/analysis/spike_binning.hpp>

namespace hebb::analysis {

enum class rdm_metric { euclidean, correlation };

// n x n RDM of patterns (n stimuli x features, n >= 2).
matrix rdm(const Eigen::Ref<const matrix>& patterns, rdm_metric metric);

// Upper triangle (i < j, row by row) of a square symmetric matrix.
std::vector<double> rdm_vector(const Eigen::Ref<const matrix>& rdm);

// Square symmetric matrix with zero diagonal from an RDM vector of length n(n-1)/2.
matrix rdm_square(std::span<const double> v);

// Ranks with ties averaged (1-based).
std::vector<double> rank_transform(std::span<const double> v);

// Ranks min-max scaled to [0, 1].
std::vector<double> rank_minmax(std::span<const double> v);

// Pearson and Spearman correlation of two equal-length vectors.
double pearson(std::span<const double> a, std::span<const double> b);
double spearman(std::span<const double> a, std::span<const double> b);

}  // namespace hebb::analysis
