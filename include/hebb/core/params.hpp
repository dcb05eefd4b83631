#pragma once
// Named, documented, validated parameters. A model (neuron, rule, input) lists its
// parameters once as `param_spec`s: name, default, unit, one-line doc. Values arrive
// as a `param_map` from a model file, Python or the CLI and are checked against the
// specs: an unknown name is an error naming the closest valid one.
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <hebb/core/error.hpp>

namespace hebb {

struct param_spec {
  std::string name;
  double value;      // default
  std::string unit;  // "ms", "mV", "nS", "pA", "Hz", "1" for dimensionless
  std::string doc;
};

using param_map = std::map<std::string, double>;

// Defaults of `specs` overridden by `given`; throws on a name not in `specs`.
// `owner` names the model for the message ("lif_cond_exp").
param_map resolve_params(std::string_view owner, const std::vector<param_spec>& specs,
                         const param_map& given);

// The value of `key` in a resolved map (throws if absent, which is a programming error).
double param(const param_map& p, std::string_view owner, const std::string& key);

}  // namespace hebb
