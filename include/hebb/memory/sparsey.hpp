#pragma once
// Sparsey mac: Rinkus, "Sparsey: event recognition via deep hierarchical sparse
// distributed codes" (Front. Comput. Neurosci. 2014) and Rinkus & Leveille,
// "Superposed episodic and semantic memory via sparse distributed representation"
// (arXiv:1710.07829, 2017).
//
//   A mac is Q winner-take-all competitive modules (CMs) of K binary units each. A
//   code is one winner per CM. Binary weights w_ji from input j to unit i.
//   Code selection (CSA), for an input with active set A:
//     1. u_i = sum_{j in A} w_ji, the input match V_i in [0,1]:
//          coverage (Rinkus 2014):  V_i = u_i / |A|
//          jaccard (our option):    V_i = u_i / (|A| + f_i - u_i),  f_i = sum_j w_ji
//        Coverage only asks how many active inputs reach unit i, so with dense inputs
//        (most inputs shared by unrelated items) a unit whose weights are the union of
//        many items matches everything; Jaccard also counts the unit's weights from
//        inactive inputs. For a unit that stores one item x, it is |A n x| / |A u x|;
//        when f_i = |A| = u_i both are 1.
//     2. G = mean over CMs of max_{i in CM} V_i                    (familiarity)
//     3. gain  eta(G) = 1 + chi g^gamma, g = max(0, (G - G0)/(1 - G0)),
//        psi_i = 1 + (eta - 1) / (1 + exp(-lambda (V_i - nu)))
//        High G: psi strongly favours the units of the stored code (reactivation);
//        G <= G0 (novel input): eta = 1, so psi = 1 for every unit: a uniform
//        choice, and a new code shares ~Q/K units with any stored one.
//     4. in each CM, one winner drawn with probability psi_i / sum_CM psi.
//     5. learning (single trial): w_ji = 1 for every j in A and every winner i.
//   Recall (no learning) takes the unit of largest V in each CM (the lowest index on a
//   tie), Sparsey's retrieval mode. Learn and recall cost O(|A| Q K), whatever the
//   number of stored items.
// Weights are stored densely (one byte per input-unit pair) or, for large macs (the
// level above a wide level, with most weights never set), as a sorted list of the
// units set for each input; the codes are the same either way.
// Random numbers of learn() come from counter_rng(seed, stream::memory,
// entity = items learnt so far); sample() takes its entity from the caller (step 1).
#include <cstdint>
#include <span>
#include <vector>

namespace hebb::memory {

enum class sparsey_match_rule { coverage, jaccard };
// automatic: dense up to 2^26 input-unit pairs (64 MiB), lists above.
enum class sparsey_storage { automatic, dense, lists };

struct sparsey_params {
  std::int64_t inputs = 64;          // input units [1]
  std::int64_t modules = 16;         // competitive modules per mac, Q [1]
  std::int64_t units = 8;            // units per module, K [1]
  double familiarity_floor = 0.4;    // G0: familiarity at or below which the choice is uniform [1]
  double max_gain = 1000.0;          // chi: eta - 1 at G = 1 [1]
  double gain_exponent = 1.0;        // gamma [1]
  double steepness = 12.0;           // lambda of the V -> psi sigmoid [1]
  double midpoint = 0.6;             // nu of the V -> psi sigmoid [1]
  sparsey_match_rule match_rule = sparsey_match_rule::coverage;  // how V normalises u (step 1)
  sparsey_storage storage = sparsey_storage::automatic;           // how the weights are held
  std::uint64_t seed = 1;            // key of the code-selection random numbers
  void validate() const;
};

class sparsey_mac {
public:
  explicit sparsey_mac(const sparsey_params& p);

  // CSA choice + single-trial learning; returns the code (winner index in each CM).
  // Throws on an empty active set, out-of-range or repeated inputs.
  std::vector<std::uint32_t> learn(std::span<const std::uint32_t> active);
  // Hard-max code (no learning).
  std::vector<std::uint32_t> recall(std::span<const std::uint32_t> active) const;
  // A CSA draw without learning (entity chooses the random numbers).
  std::vector<std::uint32_t> sample(std::span<const std::uint32_t> active,
                                    std::uint64_t entity) const;
  // G of the input.
  double familiarity(std::span<const std::uint32_t> active) const;
  // V of every unit (Q K values, module-major).
  std::vector<double> match(std::span<const std::uint32_t> active) const;
  // The CSA probabilities of every unit (Q K values; each module sums to 1).
  std::vector<double> probabilities(std::span<const std::uint32_t> active) const;

  // The active inputs of a 0/1 row.
  static std::vector<std::uint32_t> active_of(std::span<const std::uint8_t> row);
  // Units shared by two codes (CMs with the same winner).
  static std::int64_t code_overlap(std::span<const std::uint32_t> a,
                                   std::span<const std::uint32_t> b);

  std::int64_t stored() const { return stored_; }
  // Fraction of weights set to 1.
  double weight_density() const;
  // Whether the weights are held as per-input lists (else dense bytes).
  bool list_storage() const { return lists_; }
  const sparsey_params& params() const { return p_; }

private:
  void inputs_match(std::span<const std::uint32_t> active, std::vector<double>& v) const;
  void psi(const std::vector<double>& v, std::vector<double>& out) const;
  std::vector<std::uint32_t> draw(std::span<const std::uint32_t> active, std::uint64_t entity,
                                  std::uint64_t step) const;
  sparsey_params p_;
  bool lists_ = false;
  std::vector<std::uint8_t> w_;                    // dense: inputs x (Q K), row-major
  std::vector<std::vector<std::uint32_t>> rows_;   // lists: sorted units set, per input
  std::vector<std::uint32_t> fan_;                 // f_i: weights set onto each unit
  std::int64_t set_ = 0;                           // weights set
  std::int64_t stored_ = 0;
};

}  // namespace hebb::memory
