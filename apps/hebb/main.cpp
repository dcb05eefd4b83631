// hebb: the command line. One line of error and exit code 2 on bad input.
#include <cstdio>
#include <map>

#include <hebb/core/error.hpp>

#include "commands.hpp"

int main(int argc, char** argv) {
  CLI::App app{"hebb: brain-inspired neural computation"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "hebb 0.1.0");
  std::map<std::string, hebb::cli::action> actions;
  actions["run"] = hebb::cli::add_run(app);
  actions["info"] = hebb::cli::add_info(app);
  actions["plot"] = hebb::cli::add_plot(app);
  actions["models"] = hebb::cli::add_models(app);
  actions["reproduce"] = hebb::cli::add_reproduce(app);
  actions["bench"] = hebb::cli::add_bench(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (auto* sub : app.get_subcommands()) return actions.at(sub->get_name())();
  } catch (const hebb::Error& e) {
    std::fprintf(stderr, "hebb: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
