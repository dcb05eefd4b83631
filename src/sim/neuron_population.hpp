#pragma once
// The population of a neuron model with state of type T (float or double).
#include <cmath>

#include <hebb/core/rng.hpp>
#include <hebb/sim/population.hpp>

namespace hebb::sim {

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
        std::vector<T> grown(d_new * size(), T(0));
        for (std::size_t s = 0; s < depth_; ++s) {
          const std::uint64_t due = now_ + ((s + depth_ - now_ % depth_) % depth_);
          std::copy_n(r.begin() + s * size(), size(), grown.begin() + (due % d_new) * size());
        }
        r.swap(grown);
      }
      depth_ = d_new;
    }
    if (!noise_.empty()) i_step_.assign(size(), T(0));
  }
  std::uint32_t max_delay() const override { return depth_ == 0 ? 0 : static_cast<std::uint32_t>(depth_ - 1); }

  void deliver(receptor port, std::uint64_t step, const std::uint32_t* tgt, const float* w,
               const std::uint16_t* d, std::uint16_t d_const, std::size_t n) override {
    T* __restrict ring = ring_[static_cast<int>(port)].data();
    const std::size_t base = step % depth_, N = size();
    if (d) {
      for (std::size_t j = 0; j < n; ++j) {
        std::size_t slot = base + d[j];
        if (slot >= depth_) slot -= depth_;
        ring[slot * N + tgt[j]] += T(w[j]);
      }
    } else {
      std::size_t slot = base + d_const;
      if (slot >= depth_) slot -= depth_;
      T* __restrict row = ring + slot * N;
      for (std::size_t j = 0; j < n; ++j) row[tgt[j]] += T(w[j]);
    }
  }

  void update(const step_context& ctx, std::size_t begin, std::size_t end,
              std::vector<std::uint32_t>& spikes) override {
    now_ = ctx.step;
    const std::size_t slot = (ctx.step % depth_) * size();
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
    const step_args<T> args{ptrs, in[0], in[1], iext, begin, end, &spikes};
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
  std::vector<std::vector<T>> var_;
  std::vector<T> ring_[2];
  std::size_t depth_ = 0;
  std::uint64_t now_ = 0;
  std::vector<T> i_const_, i_step_;
  std::vector<poisson_drive> poisson_;
  std::vector<noise_drive> noise_;
  std::vector<double> cdf_;
  double cdf_lam_ = -1;
};

}  // namespace hebb::sim
