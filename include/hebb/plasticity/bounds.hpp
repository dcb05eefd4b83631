#pragma once
// Hard weight bounds shared by the plasticity rules.
#include <algorithm>
#include <string>

#include <hebb/core/error.hpp>
#include <hebb/sim/projection.hpp>

namespace hebb::plasticity {

// In a rule's constructor: "<owner>: bounds w_min = .. > w_max = ..".
inline void check_bounds(const std::string& owner, double w_min, double w_max) {
  if (!(w_min <= w_max)) throw Error("{}: bounds w_min = {} > w_max = {}: need w_min <= w_max", owner, w_min, w_max);
}

// In a rule's attach: conductance weights cannot go below 0; with clamp, the
// initial weights are put inside [w_min, w_max].
inline void apply_bounds(sim::projection& p, const char* rule, const std::string& projection, double w_min,
                         double w_max, bool clamp = true) {
  if (p.post().info().conductance_ports && w_min < 0)
    throw Error("{} on projection '{}': w_min = {} nS, but weights onto {} are conductances and must stay >= 0", rule,
                projection, w_min, p.post().info().name);
  if (clamp)
    for (auto& x : p.weights()) x = static_cast<float>(std::clamp<double>(x, w_min, w_max));
}

}  // namespace hebb::plasticity
