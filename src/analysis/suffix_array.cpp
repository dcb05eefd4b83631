// SA-IS (Nong, Zhang & Chan 2011): classify suffixes as S/L type, sort the LMS
// substrings by one round of induced sorting, name them, recurse on the reduced
// string when names repeat, then induce the full order from the sorted LMS suffixes.
//
// The same code runs on byte texts (alphabets of at most 255 symbols, the top level of
// a spike train or DNA-like text) and on 32-bit texts (large alphabets and every
// recursion level). Suffix types are kept one bit per position. On a byte text the
// random reads of the induced sorting (symbol and type of the suffix one to the left)
// touch 1.125 bytes per position instead of 5, so for n = 10^7 they stay in the
// last-level cache instead of DRAM. Binary texts skip the first round of induced
// sorting: their LMS substrings are named in closed form (name_binary_lms).
#include <hebb/analysis/suffix_array.hpp>

#include <algorithm>
#include <limits>

#include <hebb/core/error.hpp>

#include "huge_buffer.hpp"

namespace hebb::analysis {

namespace {

class bit_vector {
 public:
  explicit bit_vector(std::size_t n) : w_((n + 63) / 64 + 1, 0) {}
  bool operator[](std::int64_t i) const { return (w_[static_cast<std::size_t>(i) >> 6] >> (i & 63)) & 1; }
  void set(std::int64_t i) { w_[static_cast<std::size_t>(i) >> 6] |= std::uint64_t{1} << (i & 63); }

 private:
  std::vector<std::uint64_t> w_;
};

// Steps 1-2 of SA-IS in closed form for a binary text (k = 3: the sentinel 0 at the
// end, symbols 1 < 2). Every LMS position p starts a run of a >= 1 ones that follows a
// 2 and is followed by b >= 1 twos: the token (a, b); the text after the last token is
// 1^c 0 (c >= 0), the tail F. Reading the suffix at p as the sequence of its tokens
// followed by F, two suffixes compare as their token sequences do, with
//   (a, b) < (a', b')  iff  a > a', or a = a' and b < b'   (1 < 2 at the first difference)
// and F smaller than any token (at their first difference F has 0 or 1 where the token
// has 1 or 2). Equal tokens pass the comparison on to the next ones. So naming the
// tokens by that order (1, 2, ...; F = 0) gives a reduced string s1 whose suffix order
// is that of the LMS suffixes: the induced sorting of the LMS substrings is skipped.
// The names are ranked through a table of (a, b); returns false (nothing written) when
// that table would be larger than the text, and the generic steps run instead.
template <class Sym>
bool name_binary_lms(const Sym* s, std::int32_t* sa, std::int64_t n, std::int64_t& n1, std::int32_t& names) {
  if (n < 2) return false;  // the sentinel alone is no LMS position
  std::vector<std::int64_t> token;  // a << 32 | b, in text order
  std::int64_t a_max = 0, b_max = 0, i = 0;
  while (i < n - 1 && s[i] == 1) ++i;  // a leading run of ones has no 2 before it
  while (i < n - 1 && s[i] == 2) ++i;
  while (i < n - 1) {  // here s[i] = 1 follows a 2
    const std::int64_t p = i;
    while (i < n - 1 && s[i] == 1) ++i;
    if (i == n - 1) break;  // the tail 1^c 0
    const std::int64_t q = i;
    while (i < n - 1 && s[i] == 2) ++i;
    const std::int64_t a = q - p, b = i - q;
    token.push_back(a << 32 | b);
    a_max = std::max(a_max, a);
    b_max = std::max(b_max, b);
  }
  const std::int64_t m = static_cast<std::int64_t>(token.size());
  if ((a_max + 1) * (b_max + 1) > n + 4096) return false;
  std::vector<std::int32_t> table(static_cast<std::size_t>((a_max + 1) * (b_max + 1)), 0);
  auto cell = [&](std::int64_t tk) { return static_cast<std::size_t>((tk >> 32) * (b_max + 1) + (tk & 0xffffffff)); };
  for (const std::int64_t tk : token) table[cell(tk)] = 1;
  std::int32_t name = 0;
  for (std::int64_t a = a_max; a >= 1; --a)
    for (std::int64_t b = 1; b <= b_max; ++b) {
      std::int32_t& v = table[static_cast<std::size_t>(a * (b_max + 1) + b)];
      if (v) v = ++name;
    }
  n1 = m + 1;
  std::int32_t* s1 = sa + n - n1;
  for (std::int64_t j = 0; j < m; ++j) s1[j] = table[cell(token[static_cast<std::size_t>(j)])];
  s1[m] = 0;
  names = name + 1;
  return true;
}

// s[n-1] must be the unique smallest symbol (0); symbols in [0, k).
template <class Sym>
void sais(const Sym* s, std::int32_t* sa, std::int64_t n, std::int32_t k) {
  bit_vector stype(static_cast<std::size_t>(n));  // 1 = S-type suffix
  stype.set(n - 1);
  for (std::int64_t i = n - 2; i >= 0; --i)
    if (s[i] < s[i + 1] || (s[i] == s[i + 1] && stype[i + 1])) stype.set(i);
  auto is_lms = [&](std::int64_t i) { return i > 0 && stype[i] && !stype[i - 1]; };

  std::vector<std::int64_t> count(static_cast<std::size_t>(k), 0), bkt(static_cast<std::size_t>(k));
  for (std::int64_t i = 0; i < n; ++i) ++count[s[i]];
  auto buckets = [&](bool ends) {
    std::int64_t sum = 0;
    for (std::int32_t c = 0; c < k; ++c) {
      sum += count[c];
      bkt[c] = ends ? sum : sum - count[c];
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

  // 1-2. the reduced string s1 (one name per LMS position, in text order, at the end of
  // sa) and the number of distinct names
  std::int64_t n1 = 0;
  std::int32_t name = 0;
  if (k != 3 || !name_binary_lms(s, sa, n, n1, name)) {
    // 1. LMS suffixes at their bucket tails, induce: LMS substrings come out sorted
    buckets(true);
    std::fill(sa, sa + n, -1);
    for (std::int64_t i = 1; i < n; ++i)
      if (is_lms(i)) sa[--bkt[s[i]]] = static_cast<std::int32_t>(i);
    induce();

    // 2. compact the sorted LMS positions and name the LMS substrings
    for (std::int64_t i = 0; i < n; ++i)
      if (is_lms(sa[i])) sa[n1++] = sa[i];
    std::fill(sa + n1, sa + n, -1);
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
  }

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

void check_length(std::size_t n) {
  if (n >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1))
    throw Error("suffix_array: length {} too long (at most 2^31 - 2 symbols)", n);
}

// Shift the symbols by one, append the sentinel 0, sort, drop the sentinel suffix
// (always rank 0).
template <class Sym, class In>
std::vector<std::int32_t> sorted_suffixes(std::span<const In> s, std::int32_t alphabet) {
  const std::size_t n = s.size();
  detail::huge_buffer<Sym> t(n + 1);
  for (std::size_t i = 0; i < n; ++i) {
    if (static_cast<std::int64_t>(s[i]) < 0 || static_cast<std::int64_t>(s[i]) >= alphabet)
      throw Error("suffix_array: symbol s[{}] = {}: must be in [0, {})", i, s[i], alphabet);
    t[i] = static_cast<Sym>(s[i] + 1);
  }
  t[n] = 0;
  std::vector<std::int32_t> sa(n + 1);
  sais(t.data(), sa.data(), static_cast<std::int64_t>(n + 1), alphabet + 1);
  sa.erase(sa.begin());
  return sa;
}

}  // namespace

std::vector<std::int32_t> suffix_array(std::span<const std::int32_t> s, std::int32_t alphabet) {
  check_length(s.size());
  if (alphabet < 1) throw Error("suffix_array: alphabet = {}: must be >= 1", alphabet);
  if (alphabet <= 255) return sorted_suffixes<std::uint8_t>(s, alphabet);
  return sorted_suffixes<std::int32_t>(s, alphabet);
}

std::vector<std::int32_t> suffix_array(std::span<const std::uint8_t> s, std::int32_t alphabet) {
  check_length(s.size());
  if (alphabet < 1 || alphabet > 255) throw Error("suffix_array: alphabet = {}: must be in [1, 255] for a byte text", alphabet);
  return sorted_suffixes<std::uint8_t>(s, alphabet);
}

}  // namespace hebb::analysis
