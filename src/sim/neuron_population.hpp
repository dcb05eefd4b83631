#pragma once
// The population of a neuron model with state of type T (float or double).
#include <algorithm>
#include <cmath>
#include <span>
#include <new>
#include <vector>

#include <hebb/core/rng.hpp>
#include <hebb/sim/population.hpp>

namespace hebb::sim {

// Allocates on 64-byte boundaries, so the models' 512-bit loads and stores of state
// and input arrays never straddle two cache lines (measured: the LIF update without
// its exp runs 1.3x faster aligned). Thread ranges and update blocks start on
// multiples of 64 neurons, so they stay aligned too.
template <class T>
struct cache_aligned {
  using value_type = T;
  static constexpr std::align_val_t align{64};
  cache_aligned() = default;
  template <class U>
  cache_aligned(const cache_aligned<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), align)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, align); }
  bool operator==(const cache_aligned&) const = default;
};
template <class T>
using aligned_vector = std::vector<T, cache_aligned<T>>;

// 40 bits of neuron gid, the rest the drive id: distinct RNG entities per drive.
inline std::uint64_t drive_entity(std::uint32_t id, std::uint64_t gid) {
  return (static_cast<std::uint64_t>(id) << 40) | gid;
}

template <class Model, class T>
class neuron_population final : public population {
public:
  neuron_population(const population_args& a, typename Model::params p)
      : population(a.name, a.size, a.gid0), p_(p), info_(Model::info()) {
    const auto init = Model::initial(p_);
    var_.resize(init.size());
    for (std::size_t j = 0; j < init.size(); ++j) var_[j].assign(a.size, T(init[j]));
    i_const_.assign(a.size, T(0));
  }

  const model_info& info() const override { return info_; }

  void prepare(double dt, std::uint32_t max_delay) override {
    c_ = Model::template prepare<T>(p_, dt);
    dt_ = dt;
    const std::size_t d_new = std::max<std::size_t>(max_delay + 1, depth_);
    if (d_new != depth_) {
      // keep pending input: the event due at absolute step s sits at slot s % depth
      for (auto& r : ring_) {
        aligned_vector<T> grown(d_new * stride_, T(0));
        for (std::size_t s = 0; s < depth_; ++s) {
          const std::uint64_t due = now_ + ((s + depth_ - now_ % depth_) % depth_);
          std::copy_n(r.begin() + s * stride_, size(), grown.begin() + (due % d_new) * stride_);
        }
        r.swap(grown);
      }
      depth_ = d_new;
    }
    if (!noise_.empty()) i_step_.assign(size(), T(0));
  }
  std::uint32_t max_delay() const override { return depth_ == 0 ? 0 : static_cast<std::uint32_t>(depth_ - 1); }

  // One call per projection and step: the slot is found once, and the next spike's
  // row is prefetched while this one is added (rows sit in L3 or memory; the ring
  // slot in L2). Per target, events are added in spike order then synapse order, as
  // for every thread count.
  void deliver(receptor port, std::uint64_t step, std::span<const std::uint32_t> spikes, const synapse_rows& syn,
               std::size_t lo, std::size_t hi) override {
    T* __restrict ring = ring_[static_cast<int>(port)].data();
    const std::size_t base = step % depth_;
    const bool whole = lo == 0 && hi >= size();
    const std::uint32_t* __restrict tgt = syn.targets;
    const float* __restrict w = syn.weights;
    const std::uint16_t* d = syn.delays;
    std::size_t slot = base + syn.d_const;
    if (slot >= depth_) slot -= depth_;
    T* __restrict row = ring + slot * stride_;
    const std::size_t n = spikes.size();
    for (std::size_t q = 0; q < n; ++q) {
      std::size_t b = syn.row_ptr[spikes[q]], e = syn.row_ptr[spikes[q] + 1];
      if (q + 1 < n) {
        const std::size_t nb = syn.row_ptr[spikes[q + 1]];
        __builtin_prefetch(tgt + nb);
        __builtin_prefetch(w + nb);
      }
      if (!whole) {
        b = static_cast<std::size_t>(std::lower_bound(tgt + b, tgt + e, static_cast<std::uint32_t>(lo)) - tgt);
        e = static_cast<std::size_t>(std::lower_bound(tgt + b, tgt + e, static_cast<std::uint32_t>(hi)) - tgt);
      }
      if (d) {
        for (std::size_t j = b; j < e; ++j) {
          std::size_t sl = base + d[j];
          if (sl >= depth_) sl -= depth_;
          ring[sl * stride_ + tgt[j]] += T(w[j]);
        }
      } else {
        for (std::size_t j = b; j < e; ++j) row[tgt[j]] += T(w[j]);
      }
    }
  }

  void update(const step_context& ctx, std::size_t begin, std::size_t end,
              std::vector<std::uint32_t>& spikes) override {
    now_ = ctx.step;
    const std::size_t slot = (ctx.step % depth_) * stride_;
    T* in[2] = {ring_[0].data() + slot, ring_[1].data() + slot};
    for (const auto& dr : poisson_) add_poisson_events(dr, ctx, begin, end, in[static_cast<int>(dr.port)]);
    const T* iext = i_const_.data();
    if (!noise_.empty()) {
      for (std::size_t k = begin; k < end; ++k) {
        double i = static_cast<double>(i_const_[k]);
        for (const auto& nz : noise_) {
          counter_rng r(ctx.seed, stream::noise, drive_entity(nz.id, gid0() + k), ctx.step);
          i += nz.mean + nz.sd * r.normal();
        }
        i_step_[k] = T(i);
      }
      iext = i_step_.data();
    }
    T* ptrs[16];
    for (std::size_t j = 0; j < var_.size(); ++j) ptrs[j] = var_[j].data();
    const step_args<T> args{ptrs, in[0], in[1], iext, begin, end, &spikes, has_current_ || !noise_.empty()};
    Model::step(c_, args);
  }

  double get(std::size_t var, std::size_t i) const override { return static_cast<double>(var_.at(var).at(i)); }
  void set(std::size_t var, std::size_t i, double value) override { var_.at(var).at(i) = T(value); }

  void add_poisson(poisson_drive d) override {
    if (d.rate.size() != 1 && d.rate.size() != size())
      throw Error("poisson input to '{}': {} rates given, need 1 or {}", name(), d.rate.size(), size());
    poisson_.push_back(std::move(d));
  }
  void add_noise(noise_drive d) override {
    noise_.push_back(d);
    i_step_.assign(size(), T(0));
  }
  void add_current(std::size_t begin, std::size_t end, double delta) override {
    has_current_ = has_current_ || (begin < end && delta != 0);
    for (std::size_t k = begin; k < end; ++k) i_const_[k] += T(delta);
  }

  std::size_t bytes_per_neuron(std::uint32_t max_delay) const override {
    return sizeof(T) * (var_.size() + 2 + 2 * (max_delay + 1));
  }

private:
  // k ~ Poisson(rate dt) events of dr.weight per neuron. Random words come from
  // Philox blocks of 16 lanes computed at once (vectorised): block b of a drive is
  // keyed by the gid of neuron 64 b, lane i and word j feed neuron 64 b + 16 j + i,
  // so every neuron's draw is a function of (seed, drive, neuron, step) alone.
  // With one rate for all (lam < 10) a single uniform is inverted through the
  // Poisson CDF table (branch-free); per-neuron rates and larger means go through
  // counter_rng's sampler keyed by the neuron.
  void add_poisson_events(const poisson_drive& dr, const step_context& ctx, std::size_t begin, std::size_t end, T* dst) {
    constexpr std::size_t L = 16, B = 4 * L;
    const double scale = ctx.dt * 1e-3;
    const bool table = dr.rate.size() == 1 && dr.rate[0] * scale < 10;
    if (!table) {
      for (std::size_t k = begin; k < end; ++k) {
        const double lam = (dr.rate.size() == 1 ? dr.rate[0] : dr.rate[k]) * scale;
        counter_rng r(ctx.seed, stream::poisson_input, drive_entity(dr.id, gid0() + k), ctx.step);
        dst[k] += T(static_cast<double>(r.poisson(lam)) * dr.weight);
      }
      return;
    }
    const auto& cdf = poisson_cdf(dr.rate[0] * scale);
    const std::size_t K = cdf.size();
    std::uint32_t w[4][L];
    for (std::size_t k0 = begin / B * B; k0 < end; k0 += B) {
      philox_block<L>(ctx.seed, stream::poisson_input, drive_entity(dr.id, gid0() + k0), ctx.step, w);
      for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t i = 0; i < L; ++i) {
          const std::size_t k = k0 + L * j + i;
          if (k < begin || k >= end) continue;
          const double u = (w[j][i] + 0.5) * 0x1p-32;
          unsigned events = 0;
          for (std::size_t c = 0; c < K; ++c) events += u > cdf[c];
          dst[k] += T(events * dr.weight);
        }
    }
  }

  // P(X <= c) for c = 0, 1, ... until the tail is below 2^-40, cached per mean.
  const std::vector<double>& poisson_cdf(double lam) {
    if (lam != cdf_lam_ || cdf_.empty()) {
      cdf_.clear();
      double term = std::exp(-lam), sum = term;
      for (int c = 0; 1.0 - sum > 0x1p-40 && c < 200; ++c) {
        cdf_.push_back(sum);
        term *= lam / (c + 1);
        sum += term;
      }
      cdf_lam_ = lam;
    }
    return cdf_;
  }

  typename Model::params p_;
  model_info info_;
  typename Model::template coeffs<T> c_{};
  double dt_ = 0;
  std::vector<aligned_vector<T>> var_;
  aligned_vector<T> ring_[2];
  std::size_t depth_ = 0;
  // ring row length: the size rounded up to whole cache lines, so every slot is aligned
  const std::size_t stride_ = (size() + 64 / sizeof(T) - 1) / (64 / sizeof(T)) * (64 / sizeof(T));
  std::uint64_t now_ = 0;
  aligned_vector<T> i_const_, i_step_;
  bool has_current_ = false;  // i_const_ was ever changed (else all zero)
  std::vector<poisson_drive> poisson_;
  std::vector<noise_drive> noise_;
  std::vector<double> cdf_;
  double cdf_lam_ = -1;
};

}  // namespace hebb::sim
