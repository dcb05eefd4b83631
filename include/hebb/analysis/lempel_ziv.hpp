#pragma once
// Lempel-Ziv (1976) complexity of a symbol sequence, as computed by Kaspar & Schuster
// (Phys. Rev. A 36, 842, 1987).
//
// The sequence s_1..s_n is parsed left to right into phrases. A phrase that starts at
// position i is the longest prefix of s_i..s_n that also starts at some earlier
// position j < i (the copy may overlap the phrase itself), extended by one symbol;
// the last phrase may be a pure copy. The complexity C(n) is the number of phrases.
//   Example (Kaspar & Schuster): 0 | 001 | 10 | 100 | 1000 | 101  ->  C = 6.
// Normalisation (Lempel & Ziv 1976): for an i.i.d. or ergodic source with entropy rate
// h (in units of log_alphabet), C(n) -> h * n / log_alphabet(n), so
//   c(n) = C(n) * log_alphabet(n) / n
// tends to h; for a binary Bernoulli(p) source c -> H(p) = -p log2 p - (1-p) log2(1-p).
// The finite-n bias is positive at p = 0.5 (about +0.017 at n = 1e5).
//
// Algorithms (both exact, chosen by lz76_method):
//  - suffix_array: the longest earlier match at i is reached at one of the two suffixes
//    adjacent to i in suffix-array order that start before i (the previous and next
//    smaller values, Kärkkäinen, Kempa & Puglisi, CPM 2013): O(n) after an O(n) suffix
//    array (SA-IS). Any alphabet, any input.
//  - packed (alphabets of <= 256 symbols): symbols packed 1/2/4/8 bits per symbol,
//    positions bucketed by their first q ≈ log2(n) - 3 bits, first occurrences of every
//    prefix of up to q symbols tabulated; a phrase's copy length is found from those
//    tables (< q symbols) or by comparing against the earlier positions of its bucket,
//    64 bits at a time. No suffix array; 3-4x faster on high-entropy input. The bucket
//    scans are capped at O(n) work; past the cap (repetitive input) the parse continues
//    with the suffix-array method from the current phrase, so the worst case stays O(n).
//  - automatic: packed unless the alphabet is larger than 256; when the bucket sizes show
//    a skewed (low-entropy) input, the packed parse gets a budget of only n word
//    comparisons, so low-entropy input moves to the suffix array early while periodic
//    input (huge buckets but few phrases) still finishes packed.
// The textbook Kaspar-Schuster scan is kept as lz76_complexity_quadratic for tests and
// benchmarks.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::analysis {

enum class lz76_method { automatic, packed, suffix_array };

// C(n): the number of LZ76 phrases. Any integer symbols (they are ranked first).
// An empty sequence has C = 0.
std::size_t lz76_complexity(std::span<const std::int64_t> s);
std::size_t lz76_complexity(std::span<const std::uint8_t> s);
std::size_t lz76_complexity(std::span<const std::int64_t> s, lz76_method method);
std::size_t lz76_complexity(std::span<const std::uint8_t> s, lz76_method method);

// Start positions of the LZ76 phrases (size C(n)); for inspecting a parse.
std::vector<std::size_t> lz76_phrases(std::span<const std::int64_t> s);
std::vector<std::size_t> lz76_phrases(std::span<const std::int64_t> s, lz76_method method);

// The Kaspar-Schuster scan, O(n^2) worst case: the reference for tests and benches.
std::size_t lz76_complexity_quadratic(std::span<const std::int64_t> s);

// c(n) = C * log(n) / (n * log(alphabet)). Throws for n < 2 or alphabet < 2.
double lz76_normalized(std::size_t complexity, std::size_t n, std::size_t alphabet);

// Number of distinct symbols in s.
std::size_t alphabet_size(std::span<const std::int64_t> s);

}  // namespace hebb::analysis
