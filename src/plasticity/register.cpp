#include <hebb/plasticity/register.hpp>
#include <hebb/plasticity/stdp_pair.hpp>

namespace hebb::plasticity {

void register_rules() {
  sim::register_rule(stdp_pair::info(), [](const std::string& proj, const sim::rule_args& a) {
    return std::make_unique<stdp_pair>(proj, a);
  });
}

}  // namespace hebb::plasticity
