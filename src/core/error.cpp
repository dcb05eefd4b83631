#include <hebb/core/error.hpp>

#include <algorithm>
#include <numeric>

namespace hebb {

namespace {
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  std::iota(row.begin(), row.end(), 0);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string closest_name(std::string_view name, std::span<const std::string> candidates) {
  std::string best;
  std::size_t best_d = std::string::npos;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

void throw_unknown(std::string_view what, std::string_view name,
                   std::span<const std::string> candidates) {
  if (candidates.empty()) throw Error("unknown {} '{}'", what, name);
  throw Error("unknown {} '{}'; did you mean '{}'? (valid: {})", what, name,
              closest_name(name, candidates), fmt::join(candidates, ", "));
}

}  // namespace hebb
