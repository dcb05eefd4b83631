// hebb run MODEL.toml [--out RESULTS.h5] [--duration MS] [--threads N] [--seed S] [--set KEY=VALUE]...
// Progress on a terminal for long runs; a summary at the end. Ctrl-C stops the run
// and writes what was recorded, marked incomplete.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>

#include <hebb/io/model_file.hpp>
#include <hebb/io/results.hpp>

#include "commands.hpp"

namespace hebb::cli {

namespace {
std::atomic<bool> interrupted{false};
extern "C" void on_sigint(int) { interrupted.store(true); }
}  // namespace

action add_run(CLI::App& app) {
  auto* cmd = app.add_subcommand("run", "simulate a model file and write a results file");
  struct opts {
    std::string model, out;
    double duration = -1;
    int threads = 0;
    long long seed = -1;
    std::vector<std::string> set;
    bool quiet = false;
  };
  auto o = std::make_shared<opts>();
  cmd->add_option("model", o->model, "model file (TOML)")->required();
  cmd->add_option("--out,-o", o->out, "results file (HDF5); default: MODEL with .h5");
  cmd->add_option("--duration", o->duration, "simulated time [ms] (default: simulation.duration)");
  cmd->add_option("--threads", o->threads, "threads (default: simulation.threads)");
  cmd->add_option("--seed", o->seed, "random seed (default: simulation.seed)");
  cmd->add_option("--set", o->set, "override a model key, e.g. --set populations.exc.size=100");
  cmd->add_flag("--quiet,-q", o->quiet, "no progress and summary");
  return [o]() -> int {
    std::vector<std::string> overrides = o->set;
    if (o->threads != 0) overrides.push_back(fmt::format("simulation.threads={}", o->threads));
    if (o->seed >= 0) overrides.push_back(fmt::format("simulation.seed={}", o->seed));
    if (o->seed < -1) throw Error("--seed {}: must be >= 0", o->seed);
    if (o->duration != -1 && !(o->duration >= 0)) throw Error("--duration {}: must be >= 0 ms", o->duration);
    std::string out = o->out;
    if (out.empty()) out = std::filesystem::path(o->model).replace_extension(".h5").string();
    io::check_writable(out);
    const auto t_build = std::chrono::steady_clock::now();
    io::model m = io::load_model(o->model, overrides);
    const double duration = o->duration >= 0 ? o->duration : m.duration;
    sim::network& net = *m.net;
    const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_build).count();

    const bool tty = isatty(STDERR_FILENO) && !o->quiet;
    const auto t0 = std::chrono::steady_clock::now();
    sim::run_control ctl;
    ctl.stop = &interrupted;
    if (tty)
      ctl.progress = [&](double t, double t_end, std::uint64_t spikes) {
        const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (wall < 2.0 && t < t_end) return;  // only for runs over a couple of seconds
        std::fprintf(stderr, "\r  %.1f / %.1f ms simulated | %.1f s wall | %.3g s per simulated s | %llu spikes   ", t,
                     t_end, wall, t > 0 ? wall / (t * 1e-3) : 0.0, static_cast<unsigned long long>(spikes));
        if (t >= t_end) std::fprintf(stderr, "\n");
      };
    std::signal(SIGINT, on_sigint);
    const bool complete = net.run(duration, ctl);
    std::signal(SIGINT, SIG_DFL);
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    io::run_meta meta;
    meta.model_text = m.text;
    for (const auto& s : m.overrides) meta.model_text += "\n# --set " + s;
    meta.complete = complete;
    meta.wall_time = wall;
    io::write_results(out, net, meta);
    if (!o->quiet) {
      fmt::print("{} {} ms in {:.2f} s (build {:.2f} s): {:.3g} s per simulated second\n",
                 complete ? "simulated" : "INTERRUPTED after", net.time(), wall, build_s,
                 net.time() > 0 ? wall / (net.time() * 1e-3) : 0.0);
      std::size_t neurons = 0;
      for (const auto& p : net.populations()) neurons += p->size();
      fmt::print("{} neurons, {} synapses, {} spikes ({:.2f} Hz per neuron)\n", neurons, net.synapse_count(),
                 net.total_spikes(), net.time() > 0 ? net.total_spikes() / (neurons * net.time() * 1e-3) : 0.0);
      fmt::print("wrote {}{}\n", out, complete ? "" : " (marked incomplete)");
    }
    return complete ? 0 : 130;
  };
}

action add_info(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "summary of a results file: neurons, spikes, rates, CV of ISI");
  auto path = std::make_shared<std::string>();
  cmd->add_option("results", *path, "results file (HDF5)")->required();
  return [path]() -> int {
    const auto s = io::read_summary(*path);
    fmt::print("{}: {}, {} ms simulated (dt {} ms, seed {}, {} thread{}), {:.2f} s wall{}\n", *path, s.version, s.t_end,
               s.dt, s.seed, s.threads, s.threads == 1 ? "" : "s", s.wall_time, s.complete ? "" : "  [INCOMPLETE: run was interrupted]");
    fmt::print("{:<16} {:<14} {:>8} {:>10} {:>10} {:>8}\n", "population", "model", "size", "spikes", "rate [Hz]", "CV ISI");
    for (const auto& p : s.populations) {
      if (p.recorded)
        fmt::print("{:<16} {:<14} {:>8} {:>10} {:>10.3f} {:>8.3f}\n", p.name, p.model, p.size, p.spikes, p.rate, p.cv_isi);
      else
        fmt::print("{:<16} {:<14} {:>8} {:>10} {:>10} {:>8}\n", p.name, p.model, p.size, "-", "-", "-");
    }
    return 0;
  };
}

action add_models(CLI::App& app) {
  auto* cmd = app.add_subcommand("models", "built-in models with their parameters, units, defaults");
  auto name = std::make_shared<std::string>();
  auto markdown = std::make_shared<bool>(false);
  cmd->add_option("model", *name, "show only this model");
  cmd->add_flag("--markdown", *markdown, "the model reference as Markdown (docs/models.md)");
  return [name, markdown]() -> int {
    if (*markdown) {
      fmt::print("# Model reference\n\nGenerated by `hebb models --markdown` from the registry; a test keeps it current.\n");
      for (const auto& m : sim::registered_models()) {
        fmt::print("\n## `{}` ({})\n\n{}\n", m.name, m.kind, m.doc);
        if (!m.presets.empty()) fmt::print("\nPresets: {}\n", fmt::join(m.presets, ", "));
        if (!m.params.empty()) {
          fmt::print("\n| parameter | default | unit | meaning |\n|---|---|---|---|\n");
          for (const auto& p : m.params) fmt::print("| `{}` | {} | {} | {} |\n", p.name, p.value, p.unit, p.doc);
        }
        if (!m.state.empty()) {
          fmt::print("\n| state | unit | meaning |\n|---|---|---|\n");
          for (const auto& v : m.state) fmt::print("| `{}` | {} | {} |\n", v.name, v.unit, v.doc);
        }
      }
      return 0;
    }
    bool found = false;
    std::vector<std::string> names;
    for (const auto& m : sim::registered_models()) {
      names.push_back(m.name);
      if (!name->empty() && m.name != *name) continue;
      found = true;
      fmt::print("{} ({}): {}\n", m.name, m.kind, m.doc);
      if (!m.presets.empty()) fmt::print("  presets: {}\n", fmt::join(m.presets, ", "));
      for (const auto& p : m.params) fmt::print("  {:<14} {:>10} {:<6} {}\n", p.name, p.value, p.unit, p.doc);
      if (!m.state.empty()) {
        std::vector<std::string> vars;
        for (const auto& v : m.state) vars.push_back(fmt::format("{} [{}]", v.name, v.unit));
        fmt::print("  state: {}\n", fmt::join(vars, ", "));
      }
    }
    if (!found) throw_unknown("model", *name, names);
    return 0;
  };
}

action add_plot(CLI::App& app) {
  auto* cmd = app.add_subcommand("plot", "raster and population-rate plot of a results file (PNG)");
  auto path = std::make_shared<std::string>();
  auto raster = std::make_shared<std::string>();
  auto tmax = std::make_shared<double>(0);
  cmd->add_option("results", *path, "results file (HDF5)")->required();
  cmd->add_option("--raster", *raster, "PNG to write (default: RESULTS with .png)");
  cmd->add_option("--tmax", *tmax, "plot only up to this time [ms]");
  return [=]() -> int {
    io::read_summary(*path);  // a clear error for a missing or foreign file
    std::string png = raster->empty() ? std::filesystem::path(*path).replace_extension(".png").string() : *raster;
    io::check_writable(png);
    std::vector<std::string> args = {"-m", "hebb.plot", *path, "--out", png};
    if (*tmax > 0) args.insert(args.end(), {"--tmax", fmt::format("{}", *tmax)});
    return run_python(args);
  };
}

}  // namespace hebb::cli
