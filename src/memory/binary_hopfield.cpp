#include <hebb/memory/binary_hopfield.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

#include <omp.h>

#include <hebb/core/error.hpp>

namespace hebb::memory {

binary_hopfield::binary_hopfield(std::size_t dim) : dim_(dim), words_((dim + 63) / 64) {
  if (dim == 0) throw Error("binary_hopfield: dim = 0: must be >= 1");
}

void binary_hopfield::pack(const std::int8_t* row, std::uint64_t* out) const {
  for (std::size_t w = 0; w < words_; ++w) out[w] = 0;
  for (std::size_t j = 0; j < dim_; ++j) {
    const std::int8_t v = row[j];
    if (v != 1 && v != -1)
      throw Error("binary_hopfield: element {} = {}: patterns must be +1/-1 (binary)", j,
                  static_cast<int>(v));
    out[j >> 6] |= static_cast<std::uint64_t>(v > 0) << (j & 63);
  }
}

void binary_hopfield::add(std::span<const std::int8_t> p) {
  if (p.size() % dim_ != 0)
    throw Error("binary_hopfield.add: {} values is not a whole number of patterns of dim {}",
                p.size(), dim_);
  const std::size_t k = p.size() / dim_;
  std::vector<std::uint64_t> more(k * words_);
  for (std::size_t i = 0; i < k; ++i) pack(p.data() + i * dim_, more.data() + i * words_);
  bits_.insert(bits_.end(), more.begin(), more.end());
  n_ += k;
}

std::size_t binary_hopfield::check_queries(std::span<const std::int8_t> q, const char* what) const {
  if (n_ == 0) throw Error("binary_hopfield.{}: the memory is empty (add patterns first)", what);
  if (q.size() % dim_ != 0)
    throw Error("binary_hopfield.{}: {} values is not a whole number of queries of dim {}", what,
                q.size(), dim_);
  return q.size() / dim_;
}

void binary_hopfield::hamming(const std::uint64_t* q, std::int32_t* h, std::size_t lo,
                              std::size_t hi) const {
  const std::size_t w = words_;
  const std::uint64_t* x = bits_.data();
  if (w == 16) {  // d = 1024: fixed trip count, unrolled and vectorised
    for (std::size_t i = lo; i < hi; ++i) {
      const std::uint64_t* r = x + i * 16;
      std::int32_t c = 0;
      for (std::size_t k = 0; k < 16; ++k) c += std::popcount(r[k] ^ q[k]);
      h[i] = c;
    }
    return;
  }
  for (std::size_t i = lo; i < hi; ++i) {
    const std::uint64_t* r = x + i * w;
    std::int32_t c = 0;
    for (std::size_t k = 0; k < w; ++k) c += std::popcount(r[k] ^ q[k]);
    h[i] = c;
  }
}

void binary_hopfield::similarities(std::span<const std::int8_t> queries,
                                   std::span<std::int32_t> out) const {
  const std::size_t b = check_queries(queries, "similarities");
  if (out.size() != b * n_)
    throw Error("binary_hopfield.similarities: output has {} slots, needs {} x {}", out.size(), b, n_);
  std::vector<std::uint64_t> qp(b * words_);
  for (std::size_t j = 0; j < b; ++j) pack(queries.data() + j * dim_, qp.data() + j * words_);
  const auto d = static_cast<std::int32_t>(dim_);
#pragma omp parallel for schedule(static)
  for (std::size_t j = 0; j < b; ++j) {
    std::int32_t* o = out.data() + j * n_;
    hamming(qp.data() + j * words_, o, 0, n_);
    for (std::size_t i = 0; i < n_; ++i) o[i] = d - 2 * o[i];
  }
}

void binary_hopfield::update_one(const std::uint64_t* q, double beta, double* out,
                                 std::int64_t* summed, std::vector<std::int32_t>& h) const {
  h.resize(n_);
  // the similarity pass; with one query the patterns are split over threads once the
  // pass is long enough (~0.1 ms) to pay for waking them on a loaded machine
  if (omp_in_parallel() || n_ * words_ < (std::size_t{1} << 18)) {
    hamming(q, h.data(), 0, n_);
  } else {
#pragma omp parallel
    {
      const std::size_t t = static_cast<std::size_t>(omp_get_thread_num());
      const std::size_t nt = static_cast<std::size_t>(omp_get_num_threads());
      hamming(q, h.data(), n_ * t / nt, n_ * (t + 1) / nt);
    }
  }
  // bucket by Hamming distance (counting sort)
  std::vector<std::int64_t> count(dim_ + 2, 0);
  for (std::size_t i = 0; i < n_; ++i) ++count[static_cast<std::size_t>(h[i]) + 1];
  for (std::size_t k = 1; k < count.size(); ++k) count[k] += count[k - 1];
  std::size_t hmin = 0;
  while (count[hmin + 1] == 0) ++hmin;
  // weights w(h) = exp(-2 beta (h - hmin)) and the mass above each h
  std::vector<double> w(dim_ + 1), tail(dim_ + 2, 0.0);
  for (std::size_t k = 0; k <= dim_; ++k)
    w[k] = k < hmin ? 0.0 : std::exp(-2.0 * beta * static_cast<double>(k - hmin));
  for (std::size_t k = dim_ + 1; k-- > 0;)
    tail[k] = tail[k + 1] + static_cast<double>(count[k + 1] - count[k]) * w[k];
  const double z = tail[hmin];
  std::vector<double> acc(dim_, 0.0);
  std::vector<std::int32_t> ones(dim_);
  std::int64_t used = 0;
  std::size_t hcur = hmin;
  std::vector<std::uint32_t> members, order;
  int scans = 0;
  for (; hcur <= dim_; ++hcur) {
    const std::int64_t c = count[hcur + 1] - count[hcur];
    if (c == 0) {
      if (tail[hcur + 1] == 0.0) break;
      continue;
    }
    // the members of this bucket: one scan while the first buckets are small, then a
    // counting sort of all patterns once more buckets are needed
    members.clear();
    if (order.empty() && ++scans > 2) {
      order.resize(n_);
      std::vector<std::int64_t> pos(count.begin(), count.end() - 1);
      for (std::size_t i = 0; i < n_; ++i)
        order[static_cast<std::size_t>(pos[static_cast<std::size_t>(h[i])]++)] = static_cast<std::uint32_t>(i);
    }
    if (!order.empty()) {
      members.assign(order.begin() + count[hcur], order.begin() + count[hcur + 1]);
    } else {
      for (std::size_t i = 0; i < n_; ++i)
        if (static_cast<std::size_t>(h[i]) == hcur) members.push_back(static_cast<std::uint32_t>(i));
    }
    std::fill(ones.begin(), ones.end(), 0);
    for (auto i : members) {
      const std::uint64_t* r = bits_.data() + static_cast<std::size_t>(i) * words_;
      for (std::size_t j = 0; j < dim_; ++j) ones[j] += static_cast<std::int32_t>((r[j >> 6] >> (j & 63)) & 1u);
    }
    const double wk = w[hcur];
    for (std::size_t j = 0; j < dim_; ++j) acc[j] += wk * static_cast<double>(2 * ones[j] - c);
    used += c;
    const double rest = tail[hcur + 1];
    if (rest == 0.0) break;
    double amin = std::numeric_limits<double>::infinity();
    for (double v : acc) amin = std::min(amin, std::abs(v));
    if (rest <= 0x1p-40 * amin) break;
  }
  for (std::size_t j = 0; j < dim_; ++j) out[j] = acc[j] / z;
  if (summed) *summed = used;
}

void binary_hopfield::update(std::span<const std::int8_t> queries, double beta,
                             std::span<double> out, std::span<std::int64_t> summed) const {
  const std::size_t b = check_queries(queries, "update");
  if (!(beta > 0) || !std::isfinite(beta))
    throw Error("binary_hopfield.beta = {}: must be > 0 and finite", beta);
  if (out.size() != b * dim_)
    throw Error("binary_hopfield.update: output has {} slots, needs {} x {}", out.size(), b, dim_);
  if (!summed.empty() && summed.size() != b)
    throw Error("binary_hopfield.update: summed has {} slots, needs {}", summed.size(), b);
  std::vector<std::uint64_t> qp(b * words_);
  for (std::size_t j = 0; j < b; ++j) pack(queries.data() + j * dim_, qp.data() + j * words_);
  if (b == 1) {
    std::vector<std::int32_t> h;
    update_one(qp.data(), beta, out.data(), summed.empty() ? nullptr : summed.data(), h);
    return;
  }
#pragma omp parallel if (b * n_ * words_ >= (std::size_t{1} << 18))
  {
    std::vector<std::int32_t> h;
#pragma omp for schedule(dynamic, 1)
    for (std::size_t j = 0; j < b; ++j)
      update_one(qp.data() + j * words_, beta, out.data() + j * dim_,
                 summed.empty() ? nullptr : summed.data() + j, h);
  }
}

void binary_hopfield::retrieve(std::span<const std::int8_t> queries, double beta,
                               std::span<std::int8_t> out) const {
  const std::size_t b = check_queries(queries, "retrieve");
  if (out.size() != b * dim_)
    throw Error("binary_hopfield.retrieve: output has {} slots, needs {} x {}", out.size(), b, dim_);
  std::vector<double> y(b * dim_);
  update(queries, beta, y);
  for (std::size_t k = 0; k < y.size(); ++k) out[k] = y[k] < 0 ? -1 : 1;
}

std::vector<std::int8_t> binary_hopfield::pattern(std::size_t i) const {
  if (i >= n_) throw Error("binary_hopfield.pattern({}): the memory holds {} patterns", i, n_);
  std::vector<std::int8_t> out(dim_);
  const std::uint64_t* r = bits_.data() + i * words_;
  for (std::size_t j = 0; j < dim_; ++j) out[j] = ((r[j >> 6] >> (j & 63)) & 1u) ? 1 : -1;
  return out;
}

}  // namespace hebb::memory
