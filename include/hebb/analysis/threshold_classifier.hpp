#pragma once
// One-feature threshold classifier, as used for the LZC classifier of Rudnicka,
// Szczepański & Pręgowska (arXiv 2508.11674): a spike train is assigned to class 1
// when its feature (normalised LZ76 complexity, or a spike count) lies on class 1's
// side of a threshold fitted on a training set.
//
//   predict(x) = 1 if sign * (x - threshold) > 0 else 0,   sign in {+1, -1}
// fit() picks the threshold (midpoint between consecutive sorted training values) and
// the sign that maximise training accuracy; ties go to the smallest threshold.
#include <cstdint>
#include <span>

namespace hebb::analysis {

struct threshold_classifier {
  double threshold = 0.0;
  int sign = 1;  // +1: class 1 above the threshold; -1: class 1 below

  // labels are 0 or 1; both classes must be present.
  static threshold_classifier fit(std::span<const double> x, std::span<const std::int64_t> labels);
  int predict(double x) const { return sign * (x - threshold) > 0 ? 1 : 0; }
  double accuracy(std::span<const double> x, std::span<const std::int64_t> labels) const;
};

}  // namespace hebb::analysis
