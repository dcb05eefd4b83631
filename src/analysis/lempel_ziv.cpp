#include <hebb/analysis/lempel_ziv.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <limits>

#include <hebb/analysis/suffix_array.hpp>
#include <hebb/core/error.hpp>

#include "huge_buffer.hpp"

namespace hebb::analysis {

namespace {

// Order-preserving dense ranks 0..k-1 of the symbols of s.
template <class T>
class rank_map {
 public:
  explicit rank_map(std::span<const T> s) {
    if (s.empty()) return;
    const auto [lo_it, hi_it] = std::minmax_element(s.begin(), s.end());
    lo_ = *lo_it;
    const long double width = static_cast<long double>(*hi_it) - static_cast<long double>(*lo_it);
    if (width < (1 << 22)) {  // small range: a table
      table_.assign(static_cast<std::size_t>(width) + 1, 0);
      for (const T x : s) ++table_[static_cast<std::size_t>(x - lo_)];
      for (auto& t : table_) {
        if (t > 0) counts_.push_back(t);
        t = t > 0 ? k_++ : -1;
      }
      return;
    }
    sorted_.assign(s.begin(), s.end());
    std::sort(sorted_.begin(), sorted_.end());
    sorted_.erase(std::unique(sorted_.begin(), sorted_.end()), sorted_.end());
    k_ = static_cast<std::int32_t>(sorted_.size());
  }
  std::int32_t k() const { return k_; }
  // How often each rank occurs (empty for symbols spread over a wide range).
  const std::vector<std::int64_t>& counts() const { return counts_; }
  std::int32_t operator()(T x) const {
    if (!table_.empty()) return table_[static_cast<std::size_t>(x - lo_)];
    return static_cast<std::int32_t>(std::lower_bound(sorted_.begin(), sorted_.end(), x) - sorted_.begin());
  }

 private:
  T lo_{};
  std::int32_t k_ = 0;
  std::vector<std::int32_t> table_;
  std::vector<T> sorted_;
  std::vector<std::int64_t> counts_;
};

// The packed layout: log2 of the bits per symbol, and the q-gram length in bits,
// about log2(n) - 5 (buckets of ~32 positions on uniform input).
int packed_log_bits(std::int32_t k) { return k <= 2 ? 0 : k <= 4 ? 1 : k <= 16 ? 2 : 3; }
int packed_qbits(std::size_t n, int bits) {
  const int lg = std::bit_width(n | 1) - 1;
  return std::clamp(lg - 5, bits, 24) / bits * bits;
}
// A bucket scan costs about sq / n word comparisons per phrase, sq = the sum of the
// squared bucket sizes. Skewed: more than `factor` times that of uniform buckets.
bool skewed_buckets(double sq, std::size_t n, int qbits, double factor = 64) {
  const double nd = static_cast<double>(n);
  return sq > factor * (nd + nd * nd / std::ldexp(1.0, qbits)) + 4096;
}
// The sq an i.i.d. source with the symbol counts c would give, E sq ~ n + n^2
// (sum_x p_x^2)^q, more than 16 times that of uniform buckets: decides without
// building the packed index. 16 is where the two parses take the same time on
// Bernoulli(p) bits at n = 10^7 (p = 0.3, factor 14; at p = 0.25, factor 54, the
// packed parse takes twice as long as the suffix array).
bool iid_skewed(const std::vector<std::int64_t>& c, std::size_t n) {
  if (c.empty() || n == 0) return false;
  const int bits = 1 << packed_log_bits(static_cast<std::int32_t>(c.size()));
  const int qbits = packed_qbits(n, bits);
  double p2 = 0;
  const double nd = static_cast<double>(n);
  for (const std::int64_t x : c) p2 += (static_cast<double>(x) / nd) * (static_cast<double>(x) / nd);
  return skewed_buckets(nd + nd * nd * std::pow(p2, qbits / bits), n, qbits, 16);
}

// ---------------------------------------------------------------------------------
// Packed q-gram parse (alphabets of at most 256 symbols).
//
// The symbols are packed at `bits` bits each, so that the 64-bit word read at symbol
// p (key(p)) holds s_p .. s_{p+w-1} (w = 64 / bits) with s_p in the high bits, and
// the common prefix of two positions is clz(key(j) ^ key(i)) / bits, one word at a
// time. Positions are bucketed (a stable counting sort) by their first q symbols,
// and first[l][g] is the first position whose l-symbol prefix is g (l = 0..q).
// At a phrase start i, with L(i) = max_{j<i} lcp(j, i) (the copy length):
//   - if some j < i shares the q-prefix of i, L(i) >= q and every such j is in i's
//     bucket, in position order: L(i) is the largest lcp over the bucket's entries
//     before i (compared word by word, so long copies cost O(L/w));
//   - otherwise L(i) < q is the largest l with first[l][prefix_l(i)] < i (a binary
//     search: that test is monotone in l).
// Near the end (fewer than q symbols left) only the second rule is used, with l
// capped at n - i. Each query is exact. The cost is O(n + 2^(q bits)) plus the
// bucket scans; those are O(n) on high-entropy input but can grow like n^2 on
// repetitive input (an all-zero sequence has one bucket), so the scan work is
// capped at O(n) and the parse hands over to the suffix-array parse at the current
// phrase.
// ---------------------------------------------------------------------------------
class packed_parser {
 public:
  template <class T>
  packed_parser(std::span<const T> s, const rank_map<T>& rank) : n_(s.size()) {
    log_bits_ = packed_log_bits(rank.k());
    bits_ = 1 << log_bits_;
    per_word_ = static_cast<std::size_t>(64 / bits_);
    const std::size_t n_words = n_ * static_cast<std::size_t>(bits_) / 64 + 4;
    words_.reset(n_words);
    std::fill(words_.data(), words_.data() + n_words, 0);
    {
      const std::size_t per = per_word_;
      for (std::size_t w = 0; w * per < n_; ++w) {
        std::uint64_t v = 0;
        const std::size_t e = std::min(n_, (w + 1) * per);
        int sh = 64;
        for (std::size_t p = w * per; p < e; ++p) {
          sh -= bits_;
          v |= static_cast<std::uint64_t>(rank(s[p])) << sh;
        }
        words_[w] = v;
      }
    }
    qbits_ = packed_qbits(n_, bits_);
    q_ = static_cast<std::size_t>(qbits_ / bits_);
    const std::size_t nb = std::size_t{1} << qbits_;
    bucket_.reset(nb + 1);
    for (std::size_t c = 0; c <= nb; ++c) bucket_[c] = {0, none};
    for (std::size_t p = 0; p < n_; ++p) ++bucket_[(key(p) >> (64 - qbits_)) + 1].start;
    std::uint64_t sq = 0;  // sum of squared bucket sizes: the expected scan work is ~ sq / n per phrase
    for (std::size_t c = 0; c < nb; ++c) {
      const std::uint64_t m = bucket_[c + 1].start;
      sq += m * m;
      bucket_[c + 1].start += bucket_[c].start;
    }
    skewed_ = skewed_buckets(static_cast<double>(sq), n_, qbits_);
    pos_.reset(n_);
    {
      std::vector<std::uint32_t> fill(nb);
      for (std::size_t c = 0; c < nb; ++c) fill[c] = bucket_[c].start;
      for (std::size_t p = 0; p < n_; ++p) {
        const std::size_t c = key(p) >> (64 - qbits_);
        if (fill[c] == bucket_[c].start) bucket_[c].first = static_cast<std::uint32_t>(p);
        pos_[fill[c]++] = static_cast<std::uint32_t>(p);
      }
    }
    // first occurrences of every l-prefix, l = q-1 .. 0 (level l has 2^(l bits) entries)
    level_.assign(q_ + 1, 0);
    for (std::size_t l = 0; l < q_; ++l) level_[l + 1] = level_[l] + (std::size_t{1} << (l * static_cast<std::size_t>(bits_)));
    first_.assign(level_[q_], none);
    const std::size_t fan = std::size_t{1} << bits_;
    for (std::size_t l = q_; l-- > 0;) {
      const std::size_t m = std::size_t{1} << (l * static_cast<std::size_t>(bits_));
      for (std::size_t g = 0; g < m; ++g) {
        std::uint32_t v = none;
        for (std::size_t c = 0; c < fan; ++c)
          v = std::min(v, l + 1 == q_ ? bucket_[g * fan + c].first : first_[level_[l + 1] + g * fan + c]);
        first_[level_[l] + g] = v;
      }
    }
  }

  // Skewed bucket sizes (low-entropy or repetitive input) predict long bucket scans.
  bool skewed() const { return skewed_; }

  // Parse from phrase start i; returns where it stopped: past n when done, or the
  // phrase start at which the scan budget of budget_per_symbol * n word comparisons
  // ran out.
  template <class F>
  std::size_t run(std::size_t i, std::size_t& count, F&& on_phrase, std::uint64_t budget_per_symbol) const {
    std::uint64_t budget = budget_per_symbol * static_cast<std::uint64_t>(n_) + 4096;
    std::size_t m_prev = q_;
    while (i < n_) {
      const std::size_t rem = n_ - i;
      const std::uint64_t ki = key(i);
      std::size_t m = 0;
      const std::size_t c = ki >> (64 - qbits_);
      // the next phrase starts at i + L(i) + 1, and L(i) is usually within a few symbols
      // of the last copy length: fetch those buckets' headers while this one is scanned
      if (rem > m_prev + 8 + per_word_)
        for (std::size_t d = m_prev - std::min<std::size_t>(m_prev, 3); d <= m_prev + 4; ++d)
          __builtin_prefetch(&bucket_[key(i + d + 1) >> (64 - qbits_)]);
      if (rem >= q_ && bucket_[c].first < i) {
        for (std::uint32_t e = bucket_[c].start, end = bucket_[c + 1].start; e < end; ++e) {
          const std::size_t j = pos_[e];
          if (j >= i) break;
          std::size_t l = 0;
          std::uint64_t x = key(j) ^ ki;
          for (;;) {
            if (budget-- == 0) return i;
            if (x) {
              l += static_cast<std::size_t>(std::countl_zero(x)) >> log_bits_;
              break;
            }
            l += per_word_;
            if (l >= rem) break;
            x = key(j + l) ^ key(i + l);
          }
          m = std::max(m, std::min(l, rem));
          if (m == rem) break;
        }
      } else {
        // L(i) in [0, hi]: below q when i's q-prefix is new, at most rem near the end
        std::size_t lo = 0, hi = rem >= q_ ? q_ - 1 : rem;
        while (lo < hi) {
          const std::size_t l = (lo + hi + 1) / 2;
          if (first_[level_[l] + (ki >> (64 - l * static_cast<std::size_t>(bits_)))] < i)
            lo = l;
          else
            hi = l - 1;
        }
        m = lo;
      }
      on_phrase(i);
      ++count;
      i += m + 1;
      m_prev = m;
    }
    return i;
  }

 private:
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();
  struct bucket {
    std::uint32_t start;  // first index into pos_
    std::uint32_t first;  // smallest position in the bucket (none when empty)
  };
  std::uint64_t key(std::size_t p) const {
    const std::size_t o = p * static_cast<std::size_t>(bits_), w = o >> 6, sh = o & 63;
    return sh ? (words_[w] << sh) | (words_[w + 1] >> (64 - sh)) : words_[w];
  }
  std::size_t n_;
  int bits_ = 1, log_bits_ = 0, qbits_ = 1;
  std::size_t per_word_ = 64, q_ = 1;
  bool skewed_ = false;
  detail::huge_buffer<std::uint64_t> words_;
  detail::huge_buffer<bucket> bucket_;
  detail::huge_buffer<std::uint32_t> pos_;
  std::vector<std::uint32_t> first_;
  std::vector<std::size_t> level_;
};

// The suffix-array parse from phrase start i0 over the ranked text t[0..n) (symbols in
// [0, k), followed by 8 padding symbols): the longest earlier match at i is reached at
// one of the two suffixes adjacent to i in suffix-array order among those that start
// earlier in the text, its previous and next smaller values (psv, nsv). One pass over
// the suffix array with a stack of increasing positions gives both: a position's psv
// is the entry below it on the stack, its nsv the position that pops it. Both are
// written when it is popped, one 8-byte random write per position.
template <class Sym, class F>
std::size_t parse_sa(const std::vector<Sym>& t, std::size_t n_sym, std::int32_t k, std::size_t i0, std::size_t& count,
                     F&& on_phrase) {
  const std::int64_t n = static_cast<std::int64_t>(n_sym);
  struct neighbours {
    std::int32_t psv, nsv;  // -1: none
  };
  detail::huge_buffer<neighbours> near(n_sym);
  {
    const std::vector<std::int32_t> sa = suffix_array(std::span<const Sym>(t.data(), n_sym), k);
    detail::huge_buffer<std::int32_t> stack(n_sym + 1);  // stack[0] = -1 lies below every position
    std::size_t top = 0;
    stack[0] = -1;
    for (const std::int32_t i : sa) {
      for (; stack[top] > i; --top) near[static_cast<std::size_t>(stack[top])] = {stack[top - 1], i};
      stack[++top] = i;
    }
    for (; top > 0; --top) near[static_cast<std::size_t>(stack[top])] = {stack[top - 1], -1};
  }
  auto lcp = [&](std::int64_t j, std::int64_t i) {  // j < i; overlap allowed
    const std::int64_t rem = n - i;
    std::int64_t l = 0;
    if constexpr (sizeof(Sym) == 1 && std::endian::native == std::endian::little) {
      for (; l < rem; l += 8) {  // 8 symbols at a time (the padding keeps the reads inside t)
        std::uint64_t a, b;
        std::memcpy(&a, &t[static_cast<std::size_t>(j + l)], 8);
        std::memcpy(&b, &t[static_cast<std::size_t>(i + l)], 8);
        if (a != b) return std::min(rem, l + (std::countr_zero(a ^ b) >> 3));
      }
      return rem;
    } else {
      while (l < rem && t[static_cast<std::size_t>(j + l)] == t[static_cast<std::size_t>(i + l)]) ++l;
      return l;
    }
  };
  std::int64_t i = static_cast<std::int64_t>(i0);
  while (i < n) {
    const neighbours nb = near[static_cast<std::size_t>(i)];
    std::int64_t m = 0;
    if (nb.psv >= 0) m = lcp(nb.psv, i);
    if (nb.nsv >= 0) m = std::max(m, lcp(nb.nsv, i));
    on_phrase(static_cast<std::size_t>(i));
    ++count;
    i += m + 1;  // copy of length m plus one innovation (the last phrase may end early)
  }
  return count;
}

// The ranks of s, followed by 8 padding symbols.
template <class Sym, class T>
std::vector<Sym> ranked(std::span<const T> s, const rank_map<T>& rank) {
  std::vector<Sym> r(s.size() + 8, 0);
  for (std::size_t i = 0; i < s.size(); ++i) r[i] = static_cast<Sym>(rank(s[i]));
  return r;
}

template <class T, class F>
std::size_t parse(std::span<const T> s, lz76_method method, F&& on_phrase) {
  const std::size_t n = s.size();
  if (n == 0) return 0;
  if (n >= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max() - 1))
    throw Error("lz76: length {} too long (at most 2^31 - 2 symbols)", n);
  const rank_map<T> rank(s);
  std::size_t count = 0, i = 0;
  // automatic: skewed symbol frequencies (low entropy, e.g. binned spike trains) predict
  // long bucket scans and go straight to the suffix array. Otherwise the packed parse
  // runs, on a budget of 16 word comparisons per symbol, or of 1 when its q-gram
  // buckets are skewed all the same (periodic input: huge buckets but few phrases).
  // The suffix-array parse takes over wherever the budget runs out.
  const bool automatic = method == lz76_method::automatic;
  if (method != lz76_method::suffix_array && rank.k() <= 256 && !(automatic && iid_skewed(rank.counts(), n))) {
    const packed_parser pp(s, rank);
    i = pp.run(0, count, on_phrase, automatic && pp.skewed() ? 1 : 16);
  }
  if (i < n) {
    if (rank.k() <= 255)
      parse_sa(ranked<std::uint8_t>(s, rank), n, rank.k(), i, count, on_phrase);
    else
      parse_sa(ranked<std::int32_t>(s, rank), n, rank.k(), i, count, on_phrase);
  }
  return count;
}

}  // namespace

std::size_t lz76_complexity(std::span<const std::int64_t> s, lz76_method method) {
  return parse(s, method, [](std::size_t) {});
}

std::size_t lz76_complexity(std::span<const std::int64_t> s) { return lz76_complexity(s, lz76_method::automatic); }

std::size_t lz76_complexity(std::span<const std::uint8_t> s, lz76_method method) {
  return parse(s, method, [](std::size_t) {});
}

std::size_t lz76_complexity(std::span<const std::uint8_t> s) { return lz76_complexity(s, lz76_method::automatic); }

std::vector<std::size_t> lz76_phrases(std::span<const std::int64_t> s, lz76_method method) {
  std::vector<std::size_t> out;
  parse(s, method, [&](std::size_t i) { out.push_back(i); });
  return out;
}

std::vector<std::size_t> lz76_phrases(std::span<const std::int64_t> s) {
  return lz76_phrases(s, lz76_method::automatic);
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
  return static_cast<std::size_t>(rank_map<std::int64_t>(s).k());
}

}  // namespace hebb::analysis
