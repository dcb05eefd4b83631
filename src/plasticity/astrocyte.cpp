#include <hebb/plasticity/astrocyte.hpp>

#include <cmath>
#include <memory>

#include <hebb/core/error.hpp>
#include <hebb/sim/model.hpp>
#include <hebb/sim/network.hpp>

namespace hebb::plasticity {

void astrocyte_params::validate(const std::string& owner) const {
  sim::require_positive(owner.c_str(), "tau_a", tau_a, "ms");
  if (!std::isfinite(w_a)) throw Error("{}: w_a = {}: must be finite", owner, w_a);
  if (!std::isfinite(bias)) throw Error("{}: bias = {}: must be finite", owner, bias);
  if (!std::isfinite(initial)) throw Error("{}: initial = {}: must be finite", owner, initial);
}

void install_astrocyte(sim::network& net, const std::string& name, const astrocyte_params& p,
                       const std::vector<std::string>& excite, const std::vector<std::string>& inhibit) {
  const std::string owner = "astrocyte '" + name + "'";
  p.validate(owner);
  if (excite.empty() && inhibit.empty())
    throw Error("{}: integrates no population: give the liquid (excite) and/or input (inhibit) populations", owner);
  const auto names = [&] {
    std::vector<std::string> n;
    for (const auto& pop : net.populations()) n.push_back(pop->name());
    return n;
  }();
  auto indices = [&](const std::vector<std::string>& pops, const char* key) {
    std::vector<std::size_t> idx;
    for (const auto& s : pops) {
      bool found = false;
      for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == s) {
          idx.push_back(i);
          found = true;
        }
      if (!found) throw_unknown(fmt::format("population ({} of {})", key, owner), s, names);
    }
    return idx;
  };
  const auto exc = indices(excite, "liquid");
  const auto inh = indices(inhibit, "input");
  if (net.find_modulator(name))
    throw Error("{}: a modulator of that name exists already (declare the astrocyte once, on one projection)", owner);
  net.add_modulator(name, p.initial);
  double* a = net.find_modulator(name);  // std::map node: stable for the network's life
  const double leak = net.config().dt / p.tau_a, gain = p.w_a / p.tau_a, bias = p.bias;
  net.add_step_hook([=](const sim::step_view& v) {
    std::size_t n_exc = 0, n_inh = 0;
    for (auto i : exc) n_exc += v.fired[i].size();
    for (auto i : inh) n_inh += v.fired[i].size();
    *a += leak * (bias - *a) + gain * (static_cast<double>(n_exc) - static_cast<double>(n_inh));
  });
}

}  // namespace hebb::plasticity
