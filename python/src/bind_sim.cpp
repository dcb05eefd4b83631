// Bindings of the spiking engine (sim) and its files (io): they convert types only.
// The Python-facing API (keyword arguments, records as objects) is python/hebb/network.py.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <atomic>

#include <hebb/io/model_file.hpp>
#include <hebb/io/results.hpp>
#include <hebb/plasticity/intrinsic.hpp>
#include <hebb/plasticity/register.hpp>
#include <hebb/sim/network.hpp>

#include "common.hpp"

namespace py = pybind11;
using namespace hebb;

namespace {

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> a(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), a.mutable_data());
  return a;
}

sim::value_spec value_from(const py::handle& h) {
  if (py::isinstance<py::dict>(h)) {
    auto d = h.cast<py::dict>();
    sim::value_spec s;
    const auto kind = d["distribution"].cast<std::string>();
    if (kind == "uniform") {
      s.k = sim::value_spec::kind::uniform;
      s.low = d["low"].cast<double>();
      s.high = d["high"].cast<double>();
    } else if (kind == "normal") {
      s.k = sim::value_spec::kind::normal;
      s.mean = d["mean"].cast<double>();
      s.sd = d["sd"].cast<double>();
      if (d.contains("low")) s.low = d["low"].cast<double>();
      if (d.contains("high")) s.high = d["high"].cast<double>();
    } else {
      throw Error("distribution '{}': must be 'uniform' or 'normal'", kind);
    }
    for (auto item : d) {
      const auto k = item.first.cast<std::string>();
      if (k != "distribution" && k != "low" && k != "high" && k != "mean" && k != "sd")
        throw_unknown("key of a distribution", k, std::vector<std::string>{"distribution", "low", "high", "mean", "sd"});
    }
    return s;
  }
  if (py::isinstance<py::float_>(h) || py::isinstance<py::int_>(h)) return sim::value_spec::constant(h.cast<double>());
  sim::value_spec s;
  s.k = sim::value_spec::kind::array;
  s.values = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(h).cast<std::vector<double>>();
  return s;
}

sim::receptor port_from(const std::string& s) {
  if (s == "exc") return sim::receptor::exc;
  if (s == "inh") return sim::receptor::inh;
  throw Error("receptor '{}': must be 'exc' or 'inh'", s);
}

// A network with the duration a model file asked for (0 when built in Python).
struct py_network {
  std::shared_ptr<sim::network> net;
  double duration = 0;
  std::string model_text;
};

}  // namespace

PYBIND11_MODULE(_sim, m) {
  m.doc() = "hebb spiking engine (bindings; use hebb.Network)";
  hebb::py_common::register_errors();
  hebb::plasticity::register_rules();

  m.def("models", [] {
    py::list out;
    for (const auto& mi : sim::registered_models()) {
      py::dict d;
      d["name"] = mi.name;
      d["doc"] = mi.doc;
      d["kind"] = mi.kind;
      py::list params;
      for (const auto& p : mi.params) params.append(py::dict(py::arg("name") = p.name, py::arg("default") = p.value, py::arg("unit") = p.unit, py::arg("doc") = p.doc));
      d["params"] = params;
      py::list state;
      for (const auto& s : mi.state) state.append(py::dict(py::arg("name") = s.name, py::arg("unit") = s.unit, py::arg("doc") = s.doc));
      d["state"] = state;
      d["presets"] = mi.presets;
      out.append(d);
    }
    return out;
  });

  py::class_<py_network>(m, "Network")
      .def(py::init([](double dt, std::uint64_t seed, int threads, const std::string& precision) {
             return py_network{std::make_shared<sim::network>(sim::network_config{dt, seed, threads, precision}), 0, ""};
           }),
           py::arg("dt") = 0.1, py::arg("seed") = 1, py::arg("threads") = 1, py::arg("precision") = "double")
      .def_property_readonly("time", [](const py_network& n) { return n.net->time(); })
      .def_property_readonly("dt", [](const py_network& n) { return n.net->config().dt; })
      .def_property_readonly("seed", [](const py_network& n) { return n.net->config().seed; })
      .def_property_readonly("threads", [](const py_network& n) { return n.net->config().threads; })
      .def_property_readonly("duration", [](const py_network& n) { return n.duration; })
      .def_property_readonly("total_spikes", [](const py_network& n) { return n.net->total_spikes(); })
      .def_property_readonly("synapse_count", [](const py_network& n) { return n.net->synapse_count(); })
      .def_property_readonly("bytes", [](const py_network& n) { return n.net->bytes(); })
      .def("population_names", [](const py_network& n) {
        std::vector<std::string> out;
        for (const auto& p : n.net->populations()) out.push_back(p->name());
        return out;
      })
      .def("projection_names", [](const py_network& n) {
        std::vector<std::string> out;
        for (const auto& p : n.net->projections()) out.push_back(p->name());
        return out;
      })
      .def("add_population",
           [](py_network& n, const std::string& name, const std::string& model, long long size, const param_map& params,
              const std::string& preset, std::vector<double> rates, std::vector<std::vector<double>> spike_times) {
             if (size < 1) throw Error("population '{}': size = {}: must be >= 1", name, size);
             sim::population_args a;
             a.name = name;
             a.model = model;
             a.size = static_cast<std::size_t>(size);
             a.params = params;
             a.preset = preset;
             a.rates = std::move(rates);
             a.spike_times = std::move(spike_times);
             n.net->add_population(a);
           })
      .def("population_info", [](py_network& n, const std::string& name) {
        auto& p = n.net->pop(name);
        return py::make_tuple(p.info().name, p.size());
      })
      .def("get_state",
           [](py_network& n, const std::string& pop, const std::string& var) {
             auto& p = n.net->pop(pop);
             const auto j = p.var_index(var);
             py::array_t<double> out(static_cast<py::ssize_t>(p.size()));
             auto* o = out.mutable_data();
             for (std::size_t i = 0; i < p.size(); ++i) o[i] = p.get(j, i);
             return out;
           })
      .def("set_state",
           [](py_network& n, const std::string& pop, const std::string& var, py::handle values) {
             auto& p = n.net->pop(pop);
             const auto j = p.var_index(var);
             const auto spec = value_from(values);
             if (spec.k == sim::value_spec::kind::array && spec.values.size() != p.size())
               throw Error("set {}.{}: {} values given, the population has {}", pop, var, spec.values.size(), p.size());
             if (spec.k != sim::value_spec::kind::array && spec.k != sim::value_spec::kind::constant)
               throw Error("set {}.{}: give a number or an array (draw distributions with numpy)", pop, var);
             for (std::size_t i = 0; i < p.size(); ++i) p.set(j, i, spec.k == sim::value_spec::kind::array ? spec.values[i] : spec.value);
           })
      .def("connect",
           [](py_network& n, const std::string& pre, const std::string& post, const std::string& rule, double p, long long k,
              bool autapses, bool multapses, std::vector<std::int64_t> sources, std::vector<std::int64_t> targets,
              py::object weight, py::object delay, const std::string& receptor, const std::string& name) {
             sim::projection_args a;
             a.name = name;
             a.port = port_from(receptor);
             a.connect.rule = rule;
             a.connect.p = p;
             a.connect.n = k;
             a.connect.autapses = autapses;
             a.connect.multapses = multapses;
             a.connect.sources = std::move(sources);
             a.connect.targets = std::move(targets);
             a.weight = value_from(weight);
             a.delay = value_from(delay);
             return n.net->connect(pre, post, a).name();
           })
      .def("projection_arrays",
           [](py_network& n, const std::string& name) {
             const auto& pr = n.net->proj(name);
             std::vector<std::uint32_t> src(pr.size());
             for (std::size_t s = 0; s + 1 < pr.row_ptr().size(); ++s)
               for (auto k = pr.row_ptr()[s]; k < pr.row_ptr()[s + 1]; ++k) src[k] = static_cast<std::uint32_t>(s);
             std::vector<double> d;
             for (auto s : pr.delays()) d.push_back(s * n.net->config().dt);
             return py::make_tuple(to_numpy(src), to_numpy(std::vector<std::uint32_t>(pr.targets().begin(), pr.targets().end())),
                                   to_numpy(std::vector<float>(pr.weights().begin(), pr.weights().end())), to_numpy(d));
           })
      .def("projection_info", [](py_network& n, const std::string& name) {
        const auto& pr = n.net->proj(name);
        return py::make_tuple(pr.pre().name(), pr.post().name(), pr.port() == sim::receptor::exc ? "exc" : "inh", pr.size(), pr.bytes());
      })
      .def("set_plasticity",
           [](py_network& n, const std::string& proj, const std::string& rule, const param_map& params,
              const std::map<std::string, std::string>& refs) { n.net->set_plasticity(proj, {rule, params, refs}); })
      .def("intrinsic_adaptation", [](py_network& n, const std::string& pop, const param_map& params) {
        plasticity::add_intrinsic_adaptation(*n.net, pop, params);
      })
      .def("add_modulator", [](py_network& n, const std::string& name, double v) { n.net->add_modulator(name, v); })
      .def("set_modulator", [](py_network& n, const std::string& name, double v) { n.net->set_modulator(name, v); })
      .def("modulator", [](py_network& n, const std::string& name) { return n.net->modulator(name); })
      .def("modulator_names", [](py_network& n) { return n.net->modulator_names(); })
      .def("add_modulator_vector", [](py_network& n, const std::string& name, std::size_t size, double v) {
        n.net->add_modulator_vector(name, size, v);
      })
      .def("set_modulator_vector", [](py_network& n, const std::string& name, std::vector<double> v) {
        n.net->set_modulator_vector(name, v);
      })
      .def("modulator_vector", [](py_network& n, const std::string& name) {
        auto* m = n.net->find_modulator_vector(name);
        if (!m) throw_unknown("per-neuron modulator", name, n.net->modulator_vector_names());
        return to_numpy(*m);
      })
      .def("modulator_vector_names", [](py_network& n) { return n.net->modulator_vector_names(); })
      .def("modulator_schedule", [](py_network& n, const std::string& name, std::vector<double> t, std::vector<double> v) {
        n.net->add_modulator_schedule(name, t, v);
      })
      .def("set_weights", [](py_network& n, const std::string& proj, py::array_t<float, py::array::c_style | py::array::forcecast> w) {
        auto& pr = n.net->proj(proj);
        if (static_cast<std::size_t>(w.size()) != pr.size())
          throw Error("set weights of '{}': {} values given, the projection has {} synapses", proj, w.size(), pr.size());
        std::copy(w.data(), w.data() + w.size(), pr.weights().begin());
      })
      .def("load_weights", [](py_network& n, const std::string& path) { return io::load_weights(*n.net, path); })
      .def("record_weights", [](py_network& n, const std::string& proj, std::vector<std::uint64_t> idx, double every) {
        return n.net->record_weights(proj, idx, every);
      })
      .def("weights_record", [](py_network& n, std::size_t i) {
        const auto& m = n.net->weight_monitors().at(i);
        const auto per = m.indices.empty() ? n.net->proj(m.projection).size() : m.indices.size();
        auto a = to_numpy(m.data);
        return py::make_tuple(to_numpy(m.times), a.reshape({static_cast<py::ssize_t>(m.times.size()), static_cast<py::ssize_t>(per)}));
      })
      .def("poisson_input", [](py_network& n, const std::string& target, std::vector<double> rate, double weight,
                               const std::string& receptor) { n.net->add_poisson_input(target, rate, weight, port_from(receptor)); })
      .def("noise_input", [](py_network& n, const std::string& target, double mean, double sd) { n.net->add_noise_input(target, mean, sd); })
      .def("current_input", [](py_network& n, const std::string& target, std::vector<double> times, std::vector<double> amps,
                               std::size_t first, std::size_t count) { n.net->add_current_input(target, times, amps, first, count); })
      .def("record_spikes", [](py_network& n, const std::string& pop) { return n.net->record_spikes(pop); })
      .def("record_state", [](py_network& n, const std::string& pop, std::vector<std::string> vars, std::vector<std::uint32_t> idx,
                              double every) { return n.net->record_state(pop, vars, idx, every); })
      .def("record_rate", [](py_network& n, const std::string& pop, double bin) { return n.net->record_rate(pop, bin); })
      .def("spikes", [](py_network& n, std::size_t i) {
        const auto& m = n.net->spike_monitors().at(i);
        return py::make_tuple(to_numpy(m.times), to_numpy(m.senders));
      })
      .def("state", [](py_network& n, std::size_t i) {
        const auto& m = n.net->state_monitors().at(i);
        py::dict d;
        for (std::size_t v = 0; v < m.variables.size(); ++v) {
          auto a = to_numpy(m.data[v]);
          d[py::str(m.variables[v])] = a.reshape({static_cast<py::ssize_t>(m.times.size()), static_cast<py::ssize_t>(m.indices.size())});
        }
        return py::make_tuple(to_numpy(m.times), to_numpy(m.indices), d);
      })
      .def("rate", [](py_network& n, std::size_t i) {
        const auto& m = n.net->rate_monitors().at(i);
        return py::make_tuple(to_numpy(m.times), to_numpy(m.rate));
      })
      .def("monitors", [](py_network& n) {
        py::list out;
        for (std::size_t i = 0; i < n.net->spike_monitors().size(); ++i) out.append(py::make_tuple("spikes", n.net->spike_monitors()[i].population, i));
        for (std::size_t i = 0; i < n.net->state_monitors().size(); ++i) out.append(py::make_tuple("state", n.net->state_monitors()[i].population, i));
        for (std::size_t i = 0; i < n.net->rate_monitors().size(); ++i) out.append(py::make_tuple("rate", n.net->rate_monitors()[i].population, i));
        return out;
      })
      .def("run",
           [](py_network& n, double duration, std::function<void(double, double, std::uint64_t)> progress) {
             std::atomic<bool> stop{false};
             bool interrupted = false;
             sim::run_control ctl;
             ctl.stop = &stop;
             ctl.progress_interval = 0.2;
             ctl.progress = [&](double t, double t_end, std::uint64_t spikes) {
               if (PyErr_CheckSignals() != 0) {  // Ctrl-C: stop at the end of this step
                 interrupted = true;
                 stop.store(true);
                 return;
               }
               if (progress) progress(t, t_end, spikes);
             };
             const bool complete = n.net->run(duration, ctl);
             if (interrupted) throw py::error_already_set();
             return complete;
           },
           py::arg("duration"), py::arg("progress") = nullptr)
      .def("save",
           [](py_network& n, const std::string& path, std::vector<std::string> weights, bool complete) {
             io::run_meta meta;
             meta.model_text = n.model_text;
             meta.complete = complete;
             meta.weights = std::move(weights);
             io::write_results(path, *n.net, meta);
           },
           py::arg("path"), py::arg("weights") = std::vector<std::string>{}, py::arg("complete") = true);

  m.def(
      "load",
      [](const std::string& path, std::vector<std::string> overrides) {
        auto model = io::load_model(path, overrides);
        return py_network{std::shared_ptr<sim::network>(std::move(model.net)), model.duration, model.text};
      },
      py::arg("path"), py::arg("overrides") = std::vector<std::string>{});
  m.def(
      "load_text",
      [](const std::string& text, std::vector<std::string> overrides) {
        auto model = io::load_model_text(text, "<text>", overrides);
        return py_network{std::shared_ptr<sim::network>(std::move(model.net)), model.duration, model.text};
      },
      py::arg("text"), py::arg("overrides") = std::vector<std::string>{});
  m.def("rules", [] {
    py::list out;
    for (const auto& r : sim::registered_rules()) {
      py::list params;
      for (const auto& p : r.params) params.append(py::dict(py::arg("name") = p.name, py::arg("default") = p.value, py::arg("unit") = p.unit, py::arg("doc") = p.doc));
      out.append(py::dict(py::arg("name") = r.name, py::arg("doc") = r.doc, py::arg("params") = params, py::arg("refs") = r.refs));
    }
    return out;
  });
  m.def("summary", [](const std::string& path) {
    const auto s = io::read_summary(path);
    py::dict d;
    d["complete"] = s.complete;
    d["seed"] = s.seed;
    d["dt"] = s.dt;
    d["t_end"] = s.t_end;
    d["threads"] = s.threads;
    py::dict pops;
    for (const auto& p : s.populations)
      pops[py::str(p.name)] = py::dict(py::arg("model") = p.model, py::arg("size") = p.size, py::arg("spikes") = p.spikes,
                                       py::arg("rate") = p.rate, py::arg("cv_isi") = p.cv_isi);
    d["populations"] = pops;
    return d;
  });
}
