// Homeostatic learning-rate regulator (equations in include/hebb/learn/homeostatic.hpp).
#include <hebb/learn/homeostatic.hpp>

#include <cmath>

namespace hebb::learn {

void homeostatic_params::validate() const {
  require(std::isfinite(eta0) && eta0 > 0, "homeostatic.eta0", eta0, "> 0 and finite");
  require(std::isfinite(rho) && rho > 1, "homeostatic.rho", rho, "> 1 and finite");
  require(first_excitatory >= 0, "homeostatic.first_excitatory", first_excitatory, ">= 0");
  require(band_lo > 0, "homeostatic.band_lo", band_lo, "> 0");
  require(band_hi > band_lo, "homeostatic.band_hi", band_hi, "> band_lo");
  require(eta0 >= band_lo && eta0 <= band_hi, "homeostatic.eta0", eta0,
          "inside the viable band [band_lo, band_hi]");
}

homeostatic_lr::homeostatic_lr(const homeostatic_params& p) : p_(p), eta_(p.eta0) {
  p_.validate();
}

double homeostatic_lr::proposal(int cls) const {
  require(cls >= 0, "homeostatic class", cls, ">= 0");
  return excitatory(cls) ? eta_ * p_.rho : eta_ / p_.rho;
}

bool homeostatic_lr::offer(int predicted, int truth, double score_leave, double score_take) {
  require(predicted >= 0, "homeostatic.offer predicted", predicted, ">= 0");
  require(truth >= 0, "homeostatic.offer truth", truth, ">= 0");
  require(!std::isnan(score_leave), "homeostatic.offer score_leave", score_leave, "not NaN");
  require(!std::isnan(score_take), "homeostatic.offer score_take", score_take, "not NaN");
  const double want = proposal(predicted);
  const bool inside = want >= p_.band_lo && want <= p_.band_hi;
  bool take = score_take > score_leave && (inside || !p_.guard_band);
  if (p_.guard_band && !viable())  // need overrides: take what is expected to bring eta back
    take = eta_ > p_.band_hi ? want < eta_ : want > eta_;
  if (take) {
    eta_ = proposal(truth);  // the true class's effect, whatever was predicted
    ++n_taken_;
  }
  ++n_;
  if (viable()) ++n_viable_;
  return take;
}

}  // namespace hebb::learn
