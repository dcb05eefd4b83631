#pragma once
// Exact match probabilities of sparse distributed representations (SDRs) and
// dendritic segments, after Ahmad & Hawkins, "How do neurons operate on sparse
// distributed representations? A mathematical theory of sparsity, neurons and
// active dendrites" (arXiv:1601.00720, 2016).
//
//   population of n cells, a of them active in a random pattern;
//   a dendritic segment holds s synapses onto distinct cells and fires when at
//   least theta of them are active.
//
//   false match:   P = sum_{b=theta}^{s} C(s,b) C(n-s,a-b) / C(n,a)         (eq. 3)
//                  (the upper hypergeometric tail: s "segment" cells among n,
//                   a cells drawn)
//   neuron with m independent segments:  P_neuron = 1 - (1-P)^m
//   noise robustness: the segment was learnt from a pattern with a active cells;
//                  v of them are replaced by cells outside the pattern, so a-v
//                  are retained. The segment still fires with probability
//                  sum_{b=theta}^{s} C(s,b) C(a-s, a-v-b) / C(a, a-v)
//                  (hypergeometric tail over the retained active bits).
//
// All probabilities are computed as natural logarithms: a sum of terms
// exp(ln C + ln C - ln C), accumulated with log-sum-exp, so values far below
// the double range (1e-30, 1e-300, 1e-3000) neither underflow nor lose relative
// precision. ln C(n,k) uses lgamma (relative error of P about 1e-9 for n <= 1e6).
#include <cstdint>

namespace hebb::memory {

// ln C(n, k); -inf when k < 0 or k > n.
double log_binomial(std::int64_t n, std::int64_t k);

// ln P(X >= k_min) for X ~ Hypergeometric(population, successes, draws):
// drawing `draws` items without replacement from `population` items of which
// `successes` are marked. -inf when the event is impossible.
double log_hypergeometric_tail(std::int64_t population, std::int64_t successes,
                               std::int64_t draws, std::int64_t k_min);

// ln P of a false match of one segment (s synapses, threshold theta) with a random
// pattern of a active cells out of n.
double log_false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta);
// P itself (underflows to 0 below ~1e-308; use log_false_match there).
double false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta);

// ln P that a neuron with `segments` independent segments fires on a random pattern:
// ln(1 - (1-P)^m), computed with log1p/expm1 so tiny P keep their precision.
double log_neuron_false_match(std::int64_t n, std::int64_t a, std::int64_t s,
                              std::int64_t theta, std::int64_t segments);
double neuron_false_match(std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta,
                          std::int64_t segments);

// ln P that a segment learnt from a pattern of a active cells still fires after v of
// those cells are replaced by cells outside the pattern (noise robustness).
double log_noise_match(std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t v);
double noise_match(std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t v);

// A probability given by its natural log as mantissa x 10^exponent (for printing
// values outside the double range).
struct decimal_probability {
  double mantissa;        // in [1, 10), or 0 when the probability is 0
  std::int64_t exponent;  // power of ten
};
decimal_probability to_decimal(double log_p);

}  // namespace hebb::memory
