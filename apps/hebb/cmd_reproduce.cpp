// hebb reproduce SYSTEM [--quick] [--out DIR]: rerun a published system's key
// result. Each system is a folder models/<system>/ with reproduce.py, which prints
// the key table and writes the key plot as PNG.
#include <filesystem>

#include <hebb/core/error.hpp>

#include "commands.hpp"

namespace fs = std::filesystem;

namespace hebb::cli {

namespace {
std::vector<std::string> systems() {
  std::vector<std::string> out;
  const fs::path root = fs::path(HEBB_SOURCE_DIR) / "models";
  if (fs::exists(root))
    for (const auto& e : fs::directory_iterator(root))
      if (fs::exists(e.path() / "reproduce.py")) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

action add_reproduce(CLI::App& app) {
  auto* cmd = app.add_subcommand("reproduce", "rerun a published system's key result");
  auto system = std::make_shared<std::string>();
  auto quick = std::make_shared<bool>(false);
  auto out = std::make_shared<std::string>("reproduce");
  auto list = std::make_shared<bool>(false);
  cmd->add_option("system", *system, "system name (models/<system>/); --list shows them");
  cmd->add_flag("--quick", *quick, "the small version that runs in the test suite");
  cmd->add_option("--out", *out, "folder for the plot and tables")->capture_default_str();
  cmd->add_flag("--list", *list, "list the systems");
  return [=]() -> int {
    const auto names = systems();
    if (*list || system->empty()) {
      for (const auto& n : names) fmt::print("{}\n", n);
      return system->empty() && !*list ? 2 : 0;
    }
    if (std::find(names.begin(), names.end(), *system) == names.end())
      throw_unknown("system", *system, names);
    const fs::path script = fs::path(HEBB_SOURCE_DIR) / "models" / *system / "reproduce.py";
    std::vector<std::string> args = {script.string(), "--out", *out};
    if (*quick) args.push_back("--quick");
    return run_python(args);
  };
}

action add_bench(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "built-in benchmarks against peers (bench/bench_<name>.py)");
  auto name = std::make_shared<std::string>();
  auto rest = std::make_shared<std::vector<std::string>>();
  cmd->add_option("name", *name, "benchmark: sim, memory, analysis, ... (--list shows them)");
  cmd->add_option("args", *rest, "arguments passed on to the benchmark script (after --)");
  auto list = std::make_shared<bool>(false);
  cmd->add_flag("--list", *list, "list the benchmarks");
  return [=]() -> int {
    std::vector<std::string> names;
    const fs::path root = fs::path(HEBB_SOURCE_DIR) / "bench";
    for (const auto& e : fs::directory_iterator(root)) {
      const auto f = e.path().filename().string();
      if (f.starts_with("bench_") && f.ends_with(".py")) names.push_back(f.substr(6, f.size() - 9));
    }
    std::sort(names.begin(), names.end());
    if (*list || name->empty()) {
      for (const auto& n : names) fmt::print("{}\n", n);
      return name->empty() && !*list ? 2 : 0;
    }
    if (std::find(names.begin(), names.end(), *name) == names.end()) throw_unknown("benchmark", *name, names);
    std::vector<std::string> args = {(root / ("bench_" + *name + ".py")).string()};
    args.insert(args.end(), rest->begin(), rest->end());
    return run_python(args);
  };
}

}  // namespace hebb::cli
