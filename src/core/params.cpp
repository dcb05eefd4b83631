#include <hebb/core/params.hpp>

namespace hebb {

param_map resolve_params(std::string_view owner, const std::vector<param_spec>& specs,
                         const param_map& given) {
  param_map out;
  std::vector<std::string> names;
  for (const auto& s : specs) {
    out[s.name] = s.value;
    names.push_back(s.name);
  }
  for (const auto& [k, v] : given) {
    if (!out.contains(k)) throw_unknown(fmt::format("parameter of {}", owner), k, names);
    out[k] = v;
  }
  return out;
}

double param(const param_map& p, std::string_view owner, const std::string& key) {
  auto it = p.find(key);
  if (it == p.end()) throw Error("{}: parameter '{}' missing", owner, key);
  return it->second;
}

}  // namespace hebb
