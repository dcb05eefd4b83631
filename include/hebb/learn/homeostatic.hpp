#pragma once
// Homeostatic learning-rate regulator: a "vulnerable" learner whose own learning
// rate is altered by the items it perceives, after Man, Damasio & Neven (2022),
// "Need is all you need: homeostatic neural networks adapt to concept shift"
// (arXiv 2205.08645), and the authors' code (kingsonman/homeostatic-neural-networks,
// lrh.py, read for the mechanism; no code taken from it).
//
// Internal state: the learning rate eta itself. Every item offered to the learner
// carries an effect set by its TRUE class c:
//
//   eta <- eta * rho      if c is excitatory (c >= first_excitatory; paper: digits 5-9)
//   eta <- eta / rho      if c is inhibitory (paper: digits 0-4)
//
// but only if the learner takes the item. It decides from its own classification
// c_hat: it scores the weight update made with eta ("leave") and with the eta that
// c_hat's effect would give ("take") on its most recent items, and takes the item
// only if take scores strictly better (paper: accuracy on the last 20 items) and,
// with guard_band, proposal(c_hat) lies inside the viable band (the learner declines
// what it expects to harm it). With guard_band, a learner outside its band takes,
// whatever the scores, every item it expects to move it back (need overrides; ours,
// see below). The
// effect that lands is the true class's, so a misclassified item moves eta the wrong
// way: accurate recognition is what lets the learner regulate its state.
//
// Paper vs ours: the paper steps eta additively by eta0/10 (clipped at 1e-8) once
// every 10 items; we step multiplicatively by rho (scale-free, eta > 0 always) and
// offer every item. The viable band band_lo <= eta <= band_hi and guard_band are ours
// (the paper states no band); viable_fraction() counts the offers after which eta was
// inside it. Even guarded, a wrong prediction can push eta out of the band.
#include <cstdint>

#include <hebb/core/error.hpp>

namespace hebb::learn {

struct homeostatic_params {
  double eta0 = 0.3;           // initial learning rate (set point) [1]
  double rho = 1.1;            // multiplicative effect of one taken item [1], > 1
  int first_excitatory = 5;    // classes >= this excite, the others inhibit [class index]
  double band_lo = 0.03;       // viable band, lower edge [learning rate]
  double band_hi = 3.0;        // viable band, upper edge [learning rate]
  bool guard_band = true;      // decline items predicted to leave the band; outside it,
                               // take those predicted to return [flag]
  void validate() const;
};

class homeostatic_lr {
public:
  explicit homeostatic_lr(const homeostatic_params& p);
  // The learning rate that taking an item of class c would give (no state change).
  double proposal(int cls) const;
  // One offered item: the learner predicted class `predicted`, the item's true class
  // is `truth`; score_leave / score_take are the learner's scores of the update made
  // with lr() and with proposal(predicted). Takes the item iff score_take > score_leave
  // (and, with guard_band, proposal(predicted) is inside the band; outside the band,
  // iff proposal(predicted) is closer to it), in which case the
  // TRUE class's effect is applied. Returns whether it was taken.
  bool offer(int predicted, int truth, double score_leave, double score_take);
  double lr() const { return eta_; }
  bool excitatory(int cls) const { return cls >= p_.first_excitatory; }
  bool viable() const { return eta_ >= p_.band_lo && eta_ <= p_.band_hi; }
  // Fraction of offers after which eta was inside the band (1 before any offer).
  double viable_fraction() const { return n_ ? double(n_viable_) / double(n_) : 1.0; }
  std::int64_t offers() const { return n_; }
  std::int64_t taken() const { return n_taken_; }
  const homeostatic_params& params() const { return p_; }

private:
  homeostatic_params p_;
  double eta_;
  std::int64_t n_ = 0, n_viable_ = 0, n_taken_ = 0;
};

}  // namespace hebb::learn
