#pragma once
// Homeostatic learning-rate regulator for online learning under concept shift,
// after Man, Damasio & Neven (2022), "Need is all you need: homeostatic neural
// networks adapt to concept shift". The paper's regulator equations were not
// available to us; this is our own minimal "vulnerable learner": each classified
// item excites (error) or inhibits (correct) an internal state h in [0, 1] by
// shunting dynamics, and h sets the learning rate.
//
//   h <- h + k_exc * e * (1 - h) - k_inh * (1 - e) * h      e = 1 for an error, else 0
//   lr = lr_min * (lr_max / lr_min)^h                       (log-interpolation)
//
// At a steady error rate eps, h* = k_exc eps / (k_exc eps + k_inh (1 - eps)): a
// learner that performs well sits near h = 0 with a small learning rate; a concept
// shift raises errors, h and the learning rate, until it has re-learned. The state
// is "viable" while band_lo <= h <= band_hi (a learner stuck at chance is not).
#include <cstdint>

#include <hebb/core/error.hpp>

namespace hebb::learn {

struct homeostatic_params {
  double lr_min = 1e-3;   // learning rate at h = 0 [1]
  double lr_max = 1.0;    // learning rate at h = 1 [1]
  double k_exc = 0.05;    // excitation per error [1/item]
  double k_inh = 0.05;    // inhibition per correct item [1/item]
  double h0 = 0.5;        // initial state [1]
  double band_lo = 0.0;   // viable band, lower edge [1]
  double band_hi = 0.85;  // viable band, upper edge [1]
  void validate() const;
};

class homeostatic_lr {
public:
  explicit homeostatic_lr(const homeostatic_params& p);
  // Updates the state with one classified item; returns the new learning rate.
  double observe(bool correct);
  double lr() const;
  double state() const { return h_; }
  bool viable() const { return h_ >= p_.band_lo && h_ <= p_.band_hi; }
  // Fraction of observed items after which the state was inside the band.
  double viable_fraction() const { return n_ ? double(n_viable_) / double(n_) : 1.0; }
  const homeostatic_params& params() const { return p_; }

private:
  homeostatic_params p_;
  double h_;
  std::int64_t n_ = 0, n_viable_ = 0;
};

}  // namespace hebb::learn
