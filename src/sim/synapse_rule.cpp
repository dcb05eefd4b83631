#include <hebb/sim/synapse_rule.hpp>

#include <hebb/core/error.hpp>

namespace hebb::sim {

namespace {
struct registry {
  std::vector<rule_info> infos;
  std::vector<rule_factory> makers;
};
registry& rules() {
  static registry r;
  return r;
}
}  // namespace

void register_rule(rule_info info, rule_factory make) {
  auto& r = rules();
  for (std::size_t k = 0; k < r.infos.size(); ++k)
    if (r.infos[k].name == info.name) {  // registering again replaces (idempotent set-up)
      r.infos[k] = std::move(info);
      r.makers[k] = std::move(make);
      return;
    }
  r.infos.push_back(std::move(info));
  r.makers.push_back(std::move(make));
}

std::unique_ptr<synapse_rule> make_rule(const std::string& projection, const rule_args& args) {
  auto& r = rules();
  std::vector<std::string> names;
  for (std::size_t k = 0; k < r.infos.size(); ++k) {
    if (r.infos[k].name == args.rule) return r.makers[k](projection, args);
    names.push_back(r.infos[k].name);
  }
  throw_unknown(fmt::format("plasticity rule of projection '{}'", projection), args.rule, names);
}

const std::vector<rule_info>& registered_rules() { return rules().infos; }

}  // namespace hebb::sim
