// SA-IS (Nong, Zhang & Chan 2011): classify suffixes as S/L type, sort the LMS
// substrings by one round of induced sorting, name them, recurse on the reduced
// string when names repeat, then induce the full order from the sorted LMS suffixes.
#include <hebb/analysis/suffix_array.hpp>

#include <algorithm>
#include <limits>

#include <hebb/core/error.hpp>

namespace hebb::analysis {

namespace {

// s[n-1] must be the unique smallest symbol (0); symbols in [0, k).
void sais(const std::int32_t* s, std::int32_t* sa, std::int64_t n, std::int32_t k) {
  std::vector<std::uint8_t> stype(static_cast<std::size_t>(n));  // 1 = S-type suffix
  stype[n - 1] = 1;
  for (std::int64_t i = n - 2; i >= 0; --i)
    stype[i] = s[i] < s[i + 1] || (s[i] == s[i + 1] && stype[i + 1]);
  auto is_lms = [&](std::int64_t i) { return i > 0 && stype[i] && !stype[i - 1]; };

  std::vector<std::int64_t> bkt(static_cast<std::size_t>(k));
  auto buckets = [&](bool ends) {
    std::fill(bkt.begin(), bkt.end(), 0);
    for (std::int64_t i = 0; i < n; ++i) ++bkt[s[i]];
    std::int64_t sum = 0;
    for (std::int32_t c = 0; c < k; ++c) {
      sum += bkt[c];
      bkt[c] = ends ? sum : sum - bkt[c];
    }
  };
  auto induce = [&]() {
    buckets(false);  // L-type suffixes from the left, at bucket heads
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int64_t j = sa[i] - 1;
      if (sa[i] > 0 && !stype[j]) sa[bkt[s[j]]++] = static_cast<std::int32_t>(j);
    }
    buckets(true);  // S-type suffixes from the right, at bucket tails
    for (std::int64_t i = n - 1; i >= 0; --i) {
      const std::int64_t j = sa[i] - 1;
      if (sa[i] > 0 && stype[j]) sa[--bkt[s[j]]] = static_cast<std::int32_t>(j);
    }
  };

  // 1. LMS suffixes at their bucket tails, induce: LMS substrings come out sorted
  buckets(true);
  std::fill(sa, sa + n, -1);
  for (std::int64_t i = 1; i < n; ++i)
    if (is_lms(i)) sa[--bkt[s[i]]] = static_cast<std::int32_t>(i);
  induce();

  // 2. compact the sorted LMS positions and name the LMS substrings
  std::int64_t n1 = 0;
  for (std::int64_t i = 0; i < n; ++i)
    if (is_lms(sa[i])) sa[n1++] = sa[i];
  std::fill(sa + n1, sa + n, -1);
  std::int32_t name = 0;
  std::int64_t prev = -1;
  for (std::int64_t i = 0; i < n1; ++i) {
    const std::int64_t pos = sa[i];
    bool diff = false;
    for (std::int64_t d = 0; d < n; ++d) {
      if (prev < 0 || s[pos + d] != s[prev + d] || stype[pos + d] != stype[prev + d]) {
        diff = true;
        break;
      }
      if (d > 0 && (is_lms(pos + d) || is_lms(prev + d))) break;
    }
    if (diff) {
      ++name;
      prev = pos;
    }
    sa[n1 + pos / 2] = name - 1;  // LMS positions are >= 2 apart: no collision
  }
  for (std::int64_t i = n - 1, j = n - 1; i >= n1; --i)
    if (sa[i] >= 0) sa[j--] = sa[i];

  // 3. sort the LMS suffixes: recurse if two LMS substrings share a name
  std::int32_t* s1 = sa + n - n1;
  std::int32_t* sa1 = sa;
  if (name < n1)
    sais(s1, sa1, n1, name);
  else
    for (std::int64_t i = 0; i < n1; ++i) sa1[s1[i]] = static_cast<std::int32_t>(i);

  // 4. induce the suffix array from the sorted LMS suffixes
  buckets(true);
  for (std::int64_t i = 1, j = 0; i < n; ++i)
    if (is_lms(i)) s1[j++] = static_cast<std::int32_t>(i);
  for (std::int64_t i = 0; i < n1; ++i) sa1[i] = s1[sa1[i]];
  std::fill(sa + n1, sa + n, -1);
  for (std::int64_t i = n1 - 1; i >= 0; --i) {
    const std::int32_t j = sa[i];
    sa[i] = -1;
    sa[--bkt[s[j]]] = j;
  }
  induce();
}

}  // namespace

std::vector<std::int32_t> suffix_array(std::span<const std::int32_t> s, std::int32_t alphabet) {
  const std::size_t n = s.size();
  if (n >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1))
    throw Error("suffix_array: length {} too long (at most 2^31 - 2 symbols)", n);
  if (alphabet < 1) throw Error("suffix_array: alphabet = {}: must be >= 1", alphabet);
  // shift symbols by one and append the sentinel 0
  std::vector<std::int32_t> t(n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (s[i] < 0 || s[i] >= alphabet)
      throw Error("suffix_array: symbol s[{}] = {}: must be in [0, {})", i, s[i], alphabet);
    t[i] = s[i] + 1;
  }
  t[n] = 0;
  std::vector<std::int32_t> sa(n + 1);
  sais(t.data(), sa.data(), static_cast<std::int64_t>(n + 1), alphabet + 1);
  sa.erase(sa.begin());  // drop the sentinel suffix (always rank 0)
  return sa;
}

}  // namespace hebb::analysis
