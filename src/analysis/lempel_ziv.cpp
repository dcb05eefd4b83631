#include <hebb/analysis/lempel_ziv.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include <hebb/analysis/suffix_array.hpp>
#include <hebb/core/error.hpp>

namespace hebb::analysis {

namespace {

// Dense ranks 0..k-1 of the symbols (order preserving), and k.
template <class T>
std::pair<std::vector<std::int32_t>, std::int32_t> ranks(std::span<const T> s) {
  std::vector<std::int32_t> r(s.size());
  if (s.empty()) return {r, 0};
  const auto [lo_it, hi_it] = std::minmax_element(s.begin(), s.end());
  const long double span_width = static_cast<long double>(*hi_it) - static_cast<long double>(*lo_it);
  if (span_width < (1 << 22)) {  // small range: a table
    const T lo = *lo_it;
    std::vector<std::int32_t> table(static_cast<std::size_t>(span_width) + 1, -1);
    for (const T x : s) table[static_cast<std::size_t>(x - lo)] = 0;
    std::int32_t k = 0;
    for (auto& t : table)
      if (t == 0) t = k++;
    for (std::size_t i = 0; i < s.size(); ++i) r[i] = table[static_cast<std::size_t>(s[i] - lo)];
    return {r, k};
  }
  std::vector<T> u(s.begin(), s.end());
  std::sort(u.begin(), u.end());
  u.erase(std::unique(u.begin(), u.end()), u.end());
  for (std::size_t i = 0; i < s.size(); ++i)
    r[i] = static_cast<std::int32_t>(std::lower_bound(u.begin(), u.end(), s[i]) - u.begin());
  return {r, static_cast<std::int32_t>(u.size())};
}

// The LZ76 parse of a ranked sequence; calls on_phrase(start) for each phrase.
template <class F>
std::size_t parse(const std::vector<std::int32_t>& t, std::int32_t k, F&& on_phrase) {
  const std::int64_t n = static_cast<std::int64_t>(t.size());
  if (n == 0) return 0;
  if (n >= std::numeric_limits<std::int32_t>::max() - 1)
    throw Error("lz76: length {} too long (at most 2^31 - 2 symbols)", n);
  // psv[i] / nsv[i]: the nearest suffixes before / after suffix i in suffix-array
  // order among those that start earlier in the text (-1 when none)
  std::vector<std::int32_t> psv(static_cast<std::size_t>(n)), nsv(static_cast<std::size_t>(n), -1);
  {
    const std::vector<std::int32_t> sa = suffix_array(t, k);
    std::vector<std::int32_t> stack;
    stack.reserve(1024);
    for (std::int64_t r = 0; r < n; ++r) {
      const std::int32_t i = sa[r];
      while (!stack.empty() && stack.back() > i) {
        nsv[stack.back()] = i;
        stack.pop_back();
      }
      psv[i] = stack.empty() ? -1 : stack.back();
      stack.push_back(i);
    }
  }
  auto lcp = [&](std::int64_t j, std::int64_t i) {  // j < i; overlap allowed
    std::int64_t l = 0;
    while (i + l < n && t[j + l] == t[i + l]) ++l;
    return l;
  };
  std::size_t c = 0;
  std::int64_t i = 0;
  while (i < n) {
    std::int64_t m = 0;
    if (psv[i] >= 0) m = lcp(psv[i], i);
    if (nsv[i] >= 0) m = std::max(m, lcp(nsv[i], i));
    on_phrase(static_cast<std::size_t>(i));
    ++c;
    i += m + 1;  // copy of length m plus one innovation (the last phrase may end early)
  }
  return c;
}

}  // namespace

std::size_t lz76_complexity(std::span<const std::int64_t> s) {
  const auto [t, k] = ranks(s);
  return parse(t, k, [](std::size_t) {});
}

std::size_t lz76_complexity(std::span<const std::uint8_t> s) {
  const auto [t, k] = ranks(s);
  return parse(t, k, [](std::size_t) {});
}

std::vector<std::size_t> lz76_phrases(std::span<const std::int64_t> s) {
  const auto [t, k] = ranks(s);
  std::vector<std::size_t> out;
  parse(t, k, [&](std::size_t i) { out.push_back(i); });
  return out;
}

std::size_t lz76_complexity_quadratic(std::span<const std::int64_t> s) {
  // Kaspar & Schuster (1987), Fig. 1 flow chart, 0-based: l = start of the current
  // phrase, i = candidate earlier start, k = length being matched.
  const std::size_t n = s.size();
  if (n == 0) return 0;
  if (n == 1) return 1;
  std::size_t c = 1, l = 1, i = 0, k = 1, k_max = 1;
  for (;;) {
    if (s[i + k - 1] == s[l + k - 1]) {
      ++k;
      if (l + k > n) {
        ++c;
        break;
      }
    } else {
      k_max = std::max(k, k_max);
      ++i;
      if (i == l) {
        ++c;
        l += k_max;
        if (l + 1 > n) break;
        i = 0;
        k = 1;
        k_max = 1;
      } else {
        k = 1;
      }
    }
  }
  return c;
}

double lz76_normalized(std::size_t complexity, std::size_t n, std::size_t alphabet) {
  if (n < 2) throw Error("lz76_normalized: n = {}: must be >= 2", n);
  if (alphabet < 2) throw Error("lz76_normalized: alphabet = {}: must be >= 2", alphabet);
  return static_cast<double>(complexity) * std::log(static_cast<double>(n)) /
         (static_cast<double>(n) * std::log(static_cast<double>(alphabet)));
}

std::size_t alphabet_size(std::span<const std::int64_t> s) {
  return static_cast<std::size_t>(ranks(s).second);
}

}  // namespace hebb::analysis
