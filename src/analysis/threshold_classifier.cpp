#include <hebb/analysis/threshold_classifier.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

namespace {
void check(std::span<const double> x, std::span<const std::int64_t> labels, const char* who) {
  if (x.size() != labels.size())
    throw Error("{}: x has {} entries, labels {}: must be equal", who, x.size(), labels.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i])) throw Error("{}: x[{}] = {}: must be finite", who, i, x[i]);
    if (labels[i] != 0 && labels[i] != 1)
      throw Error("{}: labels[{}] = {}: must be 0 or 1", who, i, labels[i]);
  }
}
}  // namespace

threshold_classifier threshold_classifier::fit(std::span<const double> x,
                                               std::span<const std::int64_t> labels) {
  check(x, labels, "threshold_classifier.fit");
  const std::size_t n = x.size();
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
  const std::size_t n1 = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), 1));
  if (n1 == 0 || n1 == n)
    throw Error("threshold_classifier.fit: labels hold one class only ({} of {} are 1): need both",
                n1, n);
  // threshold below everything: sign +1 calls all 1 (n1 right), sign -1 all 0
  std::size_t ones_below = 0, zeros_below = 0;
  threshold_classifier best{x[order[0]] - 1.0, n1 * 2 >= n ? 1 : -1};
  std::size_t best_right = std::max(n1, n - n1);
  for (std::size_t r = 0; r < n; ++r) {
    (labels[order[r]] == 1 ? ones_below : zeros_below) += 1;
    if (r + 1 < n && x[order[r + 1]] == x[order[r]]) continue;  // cut only between values
    const double thr = r + 1 < n ? 0.5 * (x[order[r]] + x[order[r + 1]]) : x[order[r]] + 1.0;
    const std::size_t up = zeros_below + (n1 - ones_below);  // class 1 above
    const std::size_t down = ones_below + (n - n1 - zeros_below);  // class 1 below
    if (up > best_right) best = {thr, 1}, best_right = up;
    if (down > best_right) best = {thr, -1}, best_right = down;
  }
  return best;
}

double threshold_classifier::accuracy(std::span<const double> x,
                                      std::span<const std::int64_t> labels) const {
  check(x, labels, "threshold_classifier.accuracy");
  if (x.empty()) throw Error("threshold_classifier.accuracy: no samples");
  std::size_t right = 0;
  for (std::size_t i = 0; i < x.size(); ++i) right += predict(x[i]) == labels[i];
  return static_cast<double>(right) / static_cast<double>(x.size());
}

}  // namespace hebb::analysis
