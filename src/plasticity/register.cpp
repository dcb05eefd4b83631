#include <hebb/plasticity/error_modulated.hpp>
#include <hebb/plasticity/register.hpp>
#include <hebb/plasticity/stdp_dopamine.hpp>
#include <hebb/plasticity/stdp_nalsm.hpp>
#include <hebb/plasticity/stdp_overwrite.hpp>
#include <hebb/plasticity/stdp_pair.hpp>
#include <hebb/plasticity/stdp_triplet.hpp>
#include <hebb/plasticity/synaptic_scaling.hpp>

namespace hebb::plasticity {

namespace {
template <class R>
void add() {
  sim::register_rule(R::info(), [](const std::string& proj, const sim::rule_args& a) {
    return std::make_unique<R>(proj, a);
  });
}
}  // namespace

void register_rules() {
  add<stdp_pair>();
  add<stdp_triplet>();
  add<stdp_dopamine>();
  add<synaptic_scaling>();
  add<stdp_nalsm>();
  add<error_modulated>();
  add<stdp_overwrite>();
}

}  // namespace hebb::plasticity
