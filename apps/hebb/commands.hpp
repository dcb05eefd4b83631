#pragma once
// The `hebb` command line: each subcommand registers its options and its action.
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

namespace hebb::cli {

// Each subcommand adds itself to `app` and returns the action run when chosen.
using action = std::function<int()>;
action add_reproduce(CLI::App& app);
action add_run(CLI::App& app);
action add_info(CLI::App& app);
action add_models(CLI::App& app);
action add_plot(CLI::App& app);
action add_bench(CLI::App& app);

// Runs /usr/bin/python3 (the interpreter the build was made for) with the hebb
// package on PYTHONPATH; returns its exit status.
int run_python(const std::vector<std::string>& args);

}  // namespace hebb::cli
