#pragma once
// Suffix array by induced sorting (SA-IS; Nong, Zhang & Chan, IEEE Trans. Comput. 2011).
//
//   sa[r] = i  <=>  the suffix s[i..n) has rank r among all suffixes of s.
//
// Linear time and space in n for an integer alphabet [0, alphabet). Texts of at most
// 255 symbols are sorted as bytes at the top level (suffix types one bit each), so the
// random reads of the induced sorting stay in cache. For a binary text, the LMS
// substrings (0^a 1^b, a run of zeros after a one and the ones after it) are named in
// closed form from (a, b): (a, b) < (a', b') iff a > a' or (a = a' and b < b'), which
// skips the first round of induced sorting (suffix_array.cpp explains why the order of
// these names is the order of the LMS suffixes). Used by the
// linear-time Lempel-Ziv factorisation (lempel_ziv.hpp); exposed because it is
// useful on its own (longest repeats, pattern counts in symbol sequences).
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::analysis {

// Suffix array of `s` (symbols in [0, alphabet)); n < 2^31 - 1.
// Throws hebb::Error when a symbol lies outside [0, alphabet).
// Alphabets of at most 255 symbols are sorted as a byte text at the top level (faster).
std::vector<std::int32_t> suffix_array(std::span<const std::int32_t> s, std::int32_t alphabet);
// The same for a byte text; alphabet in [1, 255].
std::vector<std::int32_t> suffix_array(std::span<const std::uint8_t> s, std::int32_t alphabet);

}  // namespace hebb::analysis
