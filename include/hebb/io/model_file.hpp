#pragma once
// Model files: a network described in TOML (docs/file-formats.md).
//
//   [simulation]          dt, duration, seed, threads, precision
//   [populations.NAME]    model, size, params, preset, init, rate, spike_times
//   [[projections]]       name, from, to, receptor, connect, synapse
//   [[inputs]]            type = poisson | noise | current, target, ...
//   [[record]]            type = spikes | state | rate, population, ...
//
// Every error names the file, the line and the key, and what is allowed.
#include <memory>
#include <string>
#include <vector>

#include <hebb/sim/network.hpp>

namespace hebb::io {

struct model {
  std::unique_ptr<sim::network> net;
  double duration = 0;     // [ms] from [simulation] (or an override)
  std::string path;        // the file ("" if from text)
  std::string text;        // the model text as given (with overrides applied, see below)
  std::vector<std::string> overrides;  // the KEY=VALUE settings applied
};

// Command-line style overrides applied before building: dotted TOML paths with a
// TOML value, e.g. "simulation.seed=3", "populations.exc.params.tau_m=10".
model load_model(const std::string& path, const std::vector<std::string>& overrides = {});
model load_model_text(const std::string& text, const std::string& name,
                      const std::vector<std::string>& overrides = {});

}  // namespace hebb::io
