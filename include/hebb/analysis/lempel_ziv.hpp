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
//    array (SA-IS, suffix_array.hpp: a byte text at the top level for <= 255 symbols,
//    and for binary input the LMS substrings 0^a 1^b named from their run lengths
//    without a sorting round). Any alphabet, any input. The fast method on low-entropy
//    input: 10^7 Bernoulli(0.02..0.1) bits in 0.2-0.35 s of CPU on the dev machine.
//  - packed (alphabets of <= 256 symbols): symbols packed 1/2/4/8 bits per symbol,
//    positions bucketed by their first q ≈ log2(n) - 5 bits, first occurrences of every
//    prefix of up to q symbols tabulated; a phrase's copy length is found from those
//    tables (< q symbols) or by comparing against the earlier positions of its bucket,
//    64 bits at a time. No suffix array; about 3x faster on high-entropy input, but
//    the buckets of a low-entropy input are skewed and their scans long. The scans are
//    capped at O(n) work; past the cap (repetitive input) the parse continues with the
//    suffix-array method from the current phrase, so the worst case stays O(n).
//  - automatic: the suffix array when the symbol frequencies predict skewed buckets
//    (an i.i.d. source with those frequencies would give 16x the bucket-scan work of
//    uniform buckets: at n = 10^7 Bernoulli(p) with p < 0.29 or > 0.71, and binned
//    spike trains) or the alphabet is larger than 256; otherwise packed, with a budget
//    of n word comparisons (instead of 16 n) when the q-gram buckets themselves are
//    skewed (periodic input: huge buckets but few phrases).
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
