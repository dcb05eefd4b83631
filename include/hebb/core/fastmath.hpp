#pragma once
// exp without libm calls, written so that `#pragma omp simd` loops vectorise it
// (glibc's vector exp needs -ffast-math, which hebb does not use).
//
// exp(x) = 2^n exp(r), n = round(x / ln 2), r = x - n ln 2 (Cody-Waite split of
// ln 2), |r| <= ln(2)/2; exp(r) by its Taylor polynomial (degree 12 for double:
// truncation below 2e-16; degree 7 for float). 2^n is built in the exponent bits
// by the round-to-integer trick (adding 1.5 * 2^52), so only adds, multiplies and
// integer shifts remain. Valid for x in [-708, 709] (double) / [-87, 88] (float);
// arguments are clamped to that range.
#include <bit>
#include <cstdint>

namespace hebb {

[[gnu::always_inline]] inline double exp_simd(double x) {
  x = x < -708.0 ? -708.0 : (x > 709.0 ? 709.0 : x);
  constexpr double magic = 0x1.8p52, log2e = 1.4426950408889634, ln2_hi = 0x1.62e42fefa3800p-1,
                   ln2_lo = 0x1.ef35793c76730p-45;
  const double t = x * log2e + magic;
  const double n = t - magic;
  const double r = (x - n * ln2_hi) - n * ln2_lo;
  double p = 1.0 / 479001600.0;  // 1/12!
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const std::uint64_t e = (std::bit_cast<std::uint64_t>(t) - std::bit_cast<std::uint64_t>(magic) + 1023u) << 52;
  return p * std::bit_cast<double>(e);
}

[[gnu::always_inline]] inline float exp_simd(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  constexpr float magic = 0x1.8p23f, log2e = 1.44269504f, ln2_hi = 0x1.62e400p-1f, ln2_lo = 0x1.7f7d1cp-20f;
  const float t = x * log2e + magic;
  const float n = t - magic;
  const float r = (x - n * ln2_hi) - n * ln2_lo;
  float p = 1.0f / 5040.0f;
  p = p * r + 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  const std::uint32_t e = (std::bit_cast<std::uint32_t>(t) - std::bit_cast<std::uint32_t>(magic) + 127u) << 23;
  return p * std::bit_cast<float>(e);
}

}  // namespace hebb
