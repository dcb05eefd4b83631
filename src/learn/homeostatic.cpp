// Homeostatic learning-rate regulator (equations in include/hebb/learn/homeostatic.hpp).
#include <hebb/learn/homeostatic.hpp>

#include <cmath>

namespace hebb::learn {

void homeostatic_params::validate() const {
  require(lr_min > 0, "homeostatic.lr_min", lr_min, "> 0");
  require(lr_max >= lr_min, "homeostatic.lr_max", lr_max, ">= lr_min");
  require(k_exc > 0 && k_exc <= 1, "homeostatic.k_exc", k_exc, "in (0, 1]");
  require(k_inh > 0 && k_inh <= 1, "homeostatic.k_inh", k_inh, "in (0, 1]");
  require(h0 >= 0 && h0 <= 1, "homeostatic.h0", h0, "in [0, 1]");
  require(band_lo >= 0 && band_lo < band_hi, "homeostatic.band_lo", band_lo, "in [0, band_hi)");
  require(band_hi <= 1, "homeostatic.band_hi", band_hi, "<= 1");
}

homeostatic_lr::homeostatic_lr(const homeostatic_params& p) : p_(p), h_(p.h0) { p_.validate(); }

double homeostatic_lr::observe(bool correct) {
  if (correct)
    h_ -= p_.k_inh * h_;
  else
    h_ += p_.k_exc * (1 - h_);
  ++n_;
  if (viable()) ++n_viable_;
  return lr();
}

double homeostatic_lr::lr() const { return p_.lr_min * std::pow(p_.lr_max / p_.lr_min, h_); }

}  // namespace hebb::learn
