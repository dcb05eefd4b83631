#pragma once
// A modern Hopfield memory of binary (+1/-1) patterns stored with one bit per element
// (Ramsauer et al. 2021 update, on a bit-packed store).
//
//   bit 1 <-> +1, bit 0 <-> -1. For x, q in {-1,+1}^d with Hamming distance h,
//     x^T q = d - 2 h = d - 2 popcount(x XOR q),
//   so all N similarities cost N d / 64 XOR + popcount word operations.
//   update:   y = X softmax(beta X^T q) = sum_i w_i x_i / sum_i w_i,
//             w_i = exp(-2 beta (h_i - h_min))
//   retrieve: sign(y) (component 0 maps to +1; it needs an exact tie).
//
// Exact pruning. The weights depend only on h_i, an integer in [0, d]: patterns are
// bucketed by h and added in increasing h. After each bucket the mass of the rest,
// R = sum_{h > H} count(h) w(h), bounds the change of every component of the
// unnormalised sum, so once R <= 2^-40 min_j |acc_j| the remaining patterns cannot
// change a sign and change each value by less than 2^-40 of itself; they are
// skipped. With a clear winner (the usual case) only a few patterns are summed, so
// retrieval costs about the similarity pass. The sum is in double.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::memory {

class binary_hopfield {
public:
  explicit binary_hopfield(std::size_t dim);

  // Adds patterns, rows of a row-major n x dim array of +1/-1 (anything else throws).
  void add(std::span<const std::int8_t> patterns_rowmajor);

  std::size_t dim() const { return dim_; }
  std::size_t size() const { return n_; }
  std::size_t words() const { return words_; }
  // Bytes of pattern storage (n * words * 8).
  std::size_t bytes() const { return bits_.size() * sizeof(std::uint64_t); }

  // x_i^T q for every pattern i and query q; queries row-major B x dim, out B x N.
  void similarities(std::span<const std::int8_t> queries, std::span<std::int32_t> out) const;
  // One update (the real vector y) for each query; out B x dim (row-major).
  // `summed` (if given, size B) receives the number of patterns summed per query.
  void update(std::span<const std::int8_t> queries, double beta, std::span<double> out,
              std::span<std::int64_t> summed = {}) const;
  // sign(update) for each query; out B x dim of +1/-1.
  void retrieve(std::span<const std::int8_t> queries, double beta,
                std::span<std::int8_t> out) const;
  // The stored pattern i as +1/-1.
  std::vector<std::int8_t> pattern(std::size_t i) const;

private:
  std::size_t check_queries(std::span<const std::int8_t> q, const char* what) const;
  void pack(const std::int8_t* row, std::uint64_t* out) const;
  void hamming(const std::uint64_t* q, std::int32_t* h, std::size_t lo, std::size_t hi) const;
  void update_one(const std::uint64_t* q, double beta, double* out, std::int64_t* summed,
                  std::vector<std::int32_t>& h) const;
  std::size_t dim_, words_, n_ = 0;
  std::vector<std::uint64_t> bits_;  // n x words
};

}  // namespace hebb::memory
