#pragma once
// Suffix array by induced sorting (SA-IS; Nong, Zhang & Chan, IEEE Trans. Comput. 2011).
//
//   sa[r] = i  <=>  the suffix s[i..n) has rank r among all suffixes of s.
//
// Linear time and space in n for an integer alphabet [0, alphabet). Used by the
// linear-time Lempel-Ziv factorisation (lempel_ziv.hpp); exposed because it is
// useful on its own (longest repeats, pattern counts in symbol sequences).
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::analysis {

// Suffix array of `s` (symbols in [0, alphabet)); n < 2^31 - 1.
// Throws hebb::Error when a symbol lies outside [0, alphabet).
std::vector<std::int32_t> suffix_array(std::span<const std::int32_t> s, std::int32_t alphabet);

}  // namespace hebb::analysis
