#pragma once
// Counter-based random numbers (Philox4x32-10, Salmon et al. 2011, via Random123).
//
// Every random number in hebb is a pure function of identities:
//   philox(key{seed, stream}, counter{entity, step, k})
// (entity: 64 bits, step: 32 bits, k: 32 bits, four draws per k)
// so the same seed gives the same numbers whatever the thread count, the order of
// calls or (later) the rank count. Never key on a thread id.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>

#include <Random123/philox.h>

namespace hebb {

// Every consumer of randomness has its own stream, named here and nowhere else.
enum class stream : std::uint32_t {
  poisson_input = 1,   // per-neuron Poisson drive, entity = target neuron gid
  poisson_source = 2,  // Poisson spike-source populations, entity = neuron gid
  connect = 3,         // connection rules, entity = projection id * 2^20 + row
  weight = 4,          // weight distributions, entity = projection id
  delay = 5,           // delay distributions, entity = projection id
  init_state = 6,      // initial state draws, entity = population id
  noise = 7,           // neuron noise, entity = neuron gid
  memory = 16,         // memory part experiments
  analysis = 17,       // analysis part generators
  learn = 18,          // learn part initialisation and data
  experiment = 32,     // models/ experiments (task generation)
};

// The first block (k = 0) of counter_rng(seed, s, entity, step) for n entities at
// once, written as plain loops over lanes so the compiler vectorises the Philox
// rounds (the 32x32->64 multiplies map to SIMD multiplies). out[j][i] is word j of
// entity entity0 + i. Equal to what counter_rng would draw (a test checks it).
template <std::size_t N>
inline void philox_block(std::uint64_t seed, stream s, std::uint64_t entity0, std::uint64_t step,
                         std::uint32_t (&out)[4][N]) {
  std::uint32_t k0 = static_cast<std::uint32_t>(seed);
  std::uint32_t k1 = static_cast<std::uint32_t>(seed >> 32) ^ (static_cast<std::uint32_t>(s) * 0x9E3779B9u);
  std::uint32_t c0[N], c1[N], c2[N], c3[N];
  for (std::size_t i = 0; i < N; ++i) {
    const std::uint64_t e = entity0 + i;
    c0[i] = static_cast<std::uint32_t>(e);
    c1[i] = static_cast<std::uint32_t>(e >> 32);
    c2[i] = static_cast<std::uint32_t>(step);
    c3[i] = 0;
  }
  for (int round = 0; round < 10; ++round) {
#pragma omp simd
    for (std::size_t i = 0; i < N; ++i) {
      const std::uint64_t p0 = static_cast<std::uint64_t>(0xD2511F53u) * c0[i];
      const std::uint64_t p1 = static_cast<std::uint64_t>(0xCD9E8D57u) * c2[i];
      const std::uint32_t n0 = static_cast<std::uint32_t>(p1 >> 32) ^ c1[i] ^ k0;
      const std::uint32_t n2 = static_cast<std::uint32_t>(p0 >> 32) ^ c3[i] ^ k1;
      c1[i] = static_cast<std::uint32_t>(p1);
      c3[i] = static_cast<std::uint32_t>(p0);
      c0[i] = n0;
      c2[i] = n2;
    }
    k0 += 0x9E3779B9u;
    k1 += 0xBB67AE85u;
  }
  for (std::size_t i = 0; i < N; ++i) {
    out[0][i] = c0[i];
    out[1][i] = c1[i];
    out[2][i] = c2[i];
    out[3][i] = c3[i];
  }
}

// A sequence of random numbers for one (seed, stream, entity, step); draws advance k.
class counter_rng {
public:
  using philox = r123::Philox4x32;

  counter_rng(std::uint64_t seed, stream s, std::uint64_t entity, std::uint64_t step = 0) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32) ^
                                                   (static_cast<std::uint32_t>(s) * 0x9E3779B9u)}};
    ctr_ = {{static_cast<std::uint32_t>(entity), static_cast<std::uint32_t>(entity >> 32),
             static_cast<std::uint32_t>(step), 0u}};
  }

  // 32 random bits.
  std::uint32_t bits() {
    if (used_ == 4) {
      out_ = gen_(ctr_, key_);
      ctr_[3] += 1;  // k, the draw index within (entity, step)
      used_ = 0;
    }
    return out_[used_++];
  }
  // Uniform on the open interval (0, 1), 32-bit resolution.
  double uniform() { return (static_cast<double>(bits()) + 0.5) * 0x1p-32; }
  // Uniform on (0, 1) with 53-bit resolution.
  double uniform53() {
    const std::uint64_t hi = bits() >> 5, lo = bits() >> 6;  // 27 + 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1p-53;
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform53(); }
  // Integer uniform on [0, n) (Lemire's multiply-shift; bias below 2^-32 * n).
  std::uint64_t below(std::uint64_t n) {
    const std::uint64_t x = (static_cast<std::uint64_t>(bits()) << 32) | bits();
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(x) * n) >> 64);
  }
  // Standard normal (Box-Muller; one of the pair is used so draws stay countable).
  double normal() {
    const double u1 = uniform53(), u2 = uniform53();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * std::numbers::pi * u2);
  }
  double normal(double mean, double sd) { return mean + sd * normal(); }
  double exponential(double mean) { return -mean * std::log(uniform53()); }
  // Poisson count with mean lam: inversion for small means, Hormann's PTRS
  // transformed rejection (Hormann 1993) for lam >= 10.
  std::uint64_t poisson(double lam) {
    if (lam <= 0) return 0;
    if (lam < 10.0) {
      const double emlam = std::exp(-lam);
      std::uint64_t k = 0;
      double p = uniform();
      while (p > emlam) {
        p *= uniform();
        ++k;
      }
      return k;
    }
    const double slam = std::sqrt(lam), loglam = std::log(lam);
    const double b = 0.931 + 2.53 * slam, a = -0.059 + 0.02483 * b;
    const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4), vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const double u = uniform() - 0.5, v = uniform(), us = 0.5 - std::fabs(u);
      const double k = std::floor((2 * a / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return static_cast<std::uint64_t>(k);
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <=
          -lam + k * loglam - std::lgamma(k + 1))
        return static_cast<std::uint64_t>(k);
    }
  }

private:
  philox gen_;
  philox::key_type key_;
  philox::ctr_type ctr_;
  philox::ctr_type out_{};
  int used_ = 4;
};

}  // namespace hebb
