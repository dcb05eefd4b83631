#include <hebb/memory/sparsey.hpp>

#include <algorithm>
#include <cmath>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::memory {

void sparsey_params::validate() const {
  if (inputs < 1) throw Error("sparsey.inputs = {}: must be >= 1", inputs);
  if (modules < 1) throw Error("sparsey.modules = {}: must be >= 1", modules);
  if (units < 2) throw Error("sparsey.units = {}: must be >= 2 (a module chooses among units)", units);
  if (!(familiarity_floor >= 0 && familiarity_floor < 1))
    throw Error("sparsey.familiarity_floor = {}: must be in [0, 1)", familiarity_floor);
  if (!(max_gain >= 0) || !std::isfinite(max_gain))
    throw Error("sparsey.max_gain = {}: must be >= 0 and finite", max_gain);
  if (!(gain_exponent > 0)) throw Error("sparsey.gain_exponent = {}: must be > 0", gain_exponent);
  if (!(steepness > 0)) throw Error("sparsey.steepness = {}: must be > 0", steepness);
  if (!(midpoint >= 0 && midpoint <= 1)) throw Error("sparsey.midpoint = {}: must be in [0, 1]", midpoint);
  if (match_rule != sparsey_match_rule::coverage && match_rule != sparsey_match_rule::jaccard)
    throw Error("sparsey.match_rule = {}: must be coverage or jaccard", static_cast<int>(match_rule));
  if (storage != sparsey_storage::automatic && storage != sparsey_storage::dense &&
      storage != sparsey_storage::lists)
    throw Error("sparsey.storage = {}: must be automatic, dense or lists", static_cast<int>(storage));
}

sparsey_mac::sparsey_mac(const sparsey_params& p) : p_(p) {
  p_.validate();
  const std::int64_t pairs = p_.inputs * p_.modules * p_.units;
  lists_ = p_.storage == sparsey_storage::lists ||
           (p_.storage == sparsey_storage::automatic && pairs > (std::int64_t{1} << 26));
  if (lists_)
    rows_.resize(static_cast<std::size_t>(p_.inputs));
  else
    w_.assign(static_cast<std::size_t>(pairs), 0);
  fan_.assign(static_cast<std::size_t>(p_.modules * p_.units), 0);
}

void sparsey_mac::inputs_match(std::span<const std::uint32_t> active, std::vector<double>& v) const {
  if (active.empty()) throw Error("sparsey: the input has no active units (nothing to code)");
  const auto m = static_cast<std::size_t>(p_.modules * p_.units);
  std::vector<std::uint32_t> u(m, 0);
  std::vector<std::uint8_t> seen(static_cast<std::size_t>(p_.inputs), 0);
  for (auto j : active) {
    if (j >= p_.inputs) throw Error("sparsey: input {} out of range [0, inputs = {})", j, p_.inputs);
    if (seen[j]) throw Error("sparsey: input {} listed twice", j);
    seen[j] = 1;
    if (lists_) {
      for (auto i : rows_[j]) ++u[i];
    } else {
      const std::uint8_t* row = w_.data() + static_cast<std::size_t>(j) * m;
      for (std::size_t i = 0; i < m; ++i) u[i] += row[i];
    }
  }
  v.resize(m);
  const double a = static_cast<double>(active.size());
  if (p_.match_rule == sparsey_match_rule::coverage) {
    for (std::size_t i = 0; i < m; ++i) v[i] = u[i] / a;
  } else {  // |A u RF_i| = |A| + f_i - u_i >= |A| > 0
    for (std::size_t i = 0; i < m; ++i) v[i] = u[i] / (a + fan_[i] - u[i]);
  }
}

std::vector<double> sparsey_mac::match(std::span<const std::uint32_t> active) const {
  std::vector<double> v;
  inputs_match(active, v);
  return v;
}

namespace {
double familiarity_of(const std::vector<double>& v, std::int64_t q, std::int64_t k) {
  double g = 0;
  for (std::int64_t c = 0; c < q; ++c)
    g += *std::max_element(v.begin() + c * k, v.begin() + (c + 1) * k);
  return g / static_cast<double>(q);
}
}  // namespace

double sparsey_mac::familiarity(std::span<const std::uint32_t> active) const {
  std::vector<double> v;
  inputs_match(active, v);
  return familiarity_of(v, p_.modules, p_.units);
}

void sparsey_mac::psi(const std::vector<double>& v, std::vector<double>& out) const {
  const double g = familiarity_of(v, p_.modules, p_.units);
  const double x = std::max(0.0, (g - p_.familiarity_floor) / (1.0 - p_.familiarity_floor));
  const double eta = 1.0 + p_.max_gain * std::pow(x, p_.gain_exponent);
  out.resize(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    out[i] = 1.0 + (eta - 1.0) / (1.0 + std::exp(-p_.steepness * (v[i] - p_.midpoint)));
}

std::vector<double> sparsey_mac::probabilities(std::span<const std::uint32_t> active) const {
  std::vector<double> v, ps;
  inputs_match(active, v);
  psi(v, ps);
  const auto k = static_cast<std::size_t>(p_.units);
  for (std::size_t c = 0; c < static_cast<std::size_t>(p_.modules); ++c) {
    double z = 0;
    for (std::size_t i = 0; i < k; ++i) z += ps[c * k + i];
    for (std::size_t i = 0; i < k; ++i) ps[c * k + i] /= z;
  }
  return ps;
}

std::vector<std::uint32_t> sparsey_mac::draw(std::span<const std::uint32_t> active,
                                             std::uint64_t entity, std::uint64_t step) const {
  std::vector<double> v, ps;
  inputs_match(active, v);
  psi(v, ps);
  counter_rng r(p_.seed, stream::memory, entity, step);
  const auto k = static_cast<std::size_t>(p_.units);
  std::vector<std::uint32_t> code(static_cast<std::size_t>(p_.modules));
  for (std::size_t c = 0; c < code.size(); ++c) {
    double z = 0;
    for (std::size_t i = 0; i < k; ++i) z += ps[c * k + i];
    double x = r.uniform53() * z;
    std::size_t win = k - 1;
    for (std::size_t i = 0; i < k; ++i) {
      x -= ps[c * k + i];
      if (x < 0) {
        win = i;
        break;
      }
    }
    code[c] = static_cast<std::uint32_t>(win);
  }
  return code;
}

std::vector<std::uint32_t> sparsey_mac::learn(std::span<const std::uint32_t> active) {
  auto code = draw(active, static_cast<std::uint64_t>(stored_), 0);
  const auto m = static_cast<std::size_t>(p_.modules * p_.units);
  const auto k = static_cast<std::size_t>(p_.units);
  for (auto j : active) {
    if (lists_) {
      auto& row = rows_[j];
      for (std::size_t c = 0; c < code.size(); ++c) {
        const auto i = static_cast<std::uint32_t>(c * k + code[c]);
        const auto at = std::lower_bound(row.begin(), row.end(), i);
        if (at != row.end() && *at == i) continue;
        row.insert(at, i);
        ++fan_[i];
        ++set_;
      }
    } else {
      std::uint8_t* row = w_.data() + static_cast<std::size_t>(j) * m;
      for (std::size_t c = 0; c < code.size(); ++c) {
        const std::size_t i = c * k + code[c];
        const bool fresh = row[i] == 0;
        fan_[i] += fresh;
        set_ += fresh;
        row[i] = 1;
      }
    }
  }
  ++stored_;
  return code;
}

std::vector<std::uint32_t> sparsey_mac::sample(std::span<const std::uint32_t> active,
                                               std::uint64_t entity) const {
  return draw(active, entity, 1);
}

std::vector<std::uint32_t> sparsey_mac::recall(std::span<const std::uint32_t> active) const {
  std::vector<double> v;
  inputs_match(active, v);
  const auto k = static_cast<std::size_t>(p_.units);
  std::vector<std::uint32_t> code(static_cast<std::size_t>(p_.modules));
  for (std::size_t c = 0; c < code.size(); ++c)
    code[c] = static_cast<std::uint32_t>(
        std::max_element(v.begin() + static_cast<std::ptrdiff_t>(c * k),
                         v.begin() + static_cast<std::ptrdiff_t>((c + 1) * k)) -
        (v.begin() + static_cast<std::ptrdiff_t>(c * k)));
  return code;
}

std::vector<std::uint32_t> sparsey_mac::active_of(std::span<const std::uint8_t> row) {
  std::vector<std::uint32_t> a;
  for (std::size_t j = 0; j < row.size(); ++j) {
    if (row[j] > 1) throw Error("sparsey: input {} = {}: inputs must be binary (0/1)", j, static_cast<int>(row[j]));
    if (row[j]) a.push_back(static_cast<std::uint32_t>(j));
  }
  return a;
}

std::int64_t sparsey_mac::code_overlap(std::span<const std::uint32_t> a,
                                       std::span<const std::uint32_t> b) {
  if (a.size() != b.size())
    throw Error("sparsey.code_overlap: codes of {} and {} modules", a.size(), b.size());
  std::int64_t o = 0;
  for (std::size_t c = 0; c < a.size(); ++c) o += a[c] == b[c];
  return o;
}

double sparsey_mac::weight_density() const {
  return static_cast<double>(set_) /
         (static_cast<double>(p_.inputs) * static_cast<double>(p_.modules * p_.units));
}

}  // namespace hebb::memory
