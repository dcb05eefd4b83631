#include <hebb/io/model_file.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml.hpp>

#include <hebb/core/rng.hpp>
#include <hebb/plasticity/intrinsic.hpp>
#include <hebb/plasticity/register.hpp>

namespace hebb::io {

namespace {

using value = toml::basic_value<toml::discard_comments, std::map, std::vector>;
using table = value::table_type;
namespace fs = std::filesystem;

// "file:line: " of a value, when it has a place in the file.
std::string where(const value& v) {
  const auto loc = v.location();
  if (loc.line() == 0 || loc.file_name() == "unknown file") return "";
  return fmt::format("{}:{}: ", loc.file_name(), loc.line());
}

[[noreturn]] void fail(const value& v, const std::string& key, const std::string& msg) {
  throw Error("{}{}: {}", where(v), key, msg);
}

const char* type_name(const value& v) {
  switch (v.type()) {
    case toml::value_t::boolean: return "a boolean";
    case toml::value_t::integer: return "an integer";
    case toml::value_t::floating: return "a number";
    case toml::value_t::string: return "a string";
    case toml::value_t::array: return "an array";
    case toml::value_t::table: return "a table";
    default: return "a date or time";
  }
}

double number(const value& v, const std::string& key) {
  if (v.is_integer()) return static_cast<double>(v.as_integer());
  if (v.is_floating()) return v.as_floating();
  fail(v, key, fmt::format("expected a number, got {}", type_name(v)));
}

std::string text(const value& v, const std::string& key) {
  if (!v.is_string()) fail(v, key, fmt::format("expected a string, got {}", type_name(v)));
  return v.as_string().str;
}

bool boolean(const value& v, const std::string& key) {
  if (!v.is_boolean()) fail(v, key, fmt::format("expected true or false, got {}", type_name(v)));
  return v.as_boolean();
}

std::int64_t integer(const value& v, const std::string& key) {
  const double x = number(v, key);
  if (x != std::floor(x)) fail(v, key, fmt::format("expected a whole number, got {}", x));
  return static_cast<std::int64_t>(x);
}

std::vector<double> numbers(const value& v, const std::string& key) {
  if (!v.is_array()) return {number(v, key)};
  std::vector<double> out;
  for (std::size_t i = 0; i < v.as_array().size(); ++i)
    out.push_back(number(v.as_array()[i], fmt::format("{}[{}]", key, i)));
  return out;
}

const table& as_table(const value& v, const std::string& key) {
  if (!v.is_table()) fail(v, key, fmt::format("expected a table, got {}", type_name(v)));
  return v.as_table();
}

// Throws on a key not in `allowed`, naming the closest one.
void check_keys(const value& v, const std::string& path, const std::vector<std::string>& allowed) {
  for (const auto& [k, x] : as_table(v, path)) {
    if (std::find(allowed.begin(), allowed.end(), k) == allowed.end()) {
      try {
        throw_unknown(fmt::format("key in {}", path), k, allowed);
      } catch (const Error& e) {
        throw Error("{}{}", where(x), e.what());
      }
    }
  }
}

const value* lookup(const value& v, const std::string& key) {
  const auto& t = v.as_table();
  auto it = t.find(key);
  return it == t.end() ? nullptr : &it->second;
}

const value& need(const value& v, const std::string& key, const std::string& path) {
  const value* x = lookup(v, key);
  if (!x) throw Error("{}{}: missing key '{}'", where(v), path, key);
  return *x;
}

sim::receptor port(const value& v, const std::string& key) {
  const std::string s = text(v, key);
  if (s == "exc") return sim::receptor::exc;
  if (s == "inh") return sim::receptor::inh;
  fail(v, key, fmt::format("receptor '{}': must be 'exc' or 'inh'", s));
}

// A constant, an array, or {distribution = "uniform"|"normal", ...}.
sim::value_spec value_of(const value& v, const std::string& key) {
  sim::value_spec s;
  if (v.is_array()) {
    s.k = sim::value_spec::kind::array;
    s.values = numbers(v, key);
  } else if (v.is_table()) {
    const std::string d = text(need(v, "distribution", key), key + ".distribution");
    if (d == "uniform") {
      check_keys(v, key, {"distribution", "low", "high"});
      s.k = sim::value_spec::kind::uniform;
      s.low = number(need(v, "low", key), key + ".low");
      s.high = number(need(v, "high", key), key + ".high");
    } else if (d == "normal") {
      check_keys(v, key, {"distribution", "mean", "sd", "low", "high"});
      s.k = sim::value_spec::kind::normal;
      s.mean = number(need(v, "mean", key), key + ".mean");
      s.sd = number(need(v, "sd", key), key + ".sd");
      if (auto* x = lookup(v, "low")) s.low = number(*x, key + ".low");
      if (auto* x = lookup(v, "high")) s.high = number(*x, key + ".high");
    } else {
      fail(v, key + ".distribution", fmt::format("'{}': must be 'uniform' or 'normal'", d));
    }
  } else {
    s = sim::value_spec::constant(number(v, key));
  }
  return s;
}

// Explicit connections from a CSV file: source,target[,weight[,delay]] per line.
void read_connection_file(const fs::path& file, sim::connect_spec& c, std::vector<double>& w,
                          std::vector<double>& d, const value& at, const std::string& key) {
  std::ifstream in(file);
  if (!in) fail(at, key, fmt::format("cannot open connection file '{}'", file.string()));
  std::string line;
  std::size_t lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::vector<double> cols;
    std::string cell;
    bool numeric = true;
    while (std::getline(ss, cell, ',')) {
      try {
        std::size_t used = 0;
        cols.push_back(std::stod(cell, &used));
      } catch (...) {
        numeric = false;
      }
    }
    if (!numeric) {
      if (lineno == 1) continue;  // a header
      throw Error("{}:{}: expected numbers 'source,target[,weight[,delay]]', got '{}'", file.string(), lineno, line);
    }
    if (cols.size() < 2 || cols.size() > 4)
      throw Error("{}:{}: expected 2 to 4 columns 'source,target[,weight[,delay]]', got {}", file.string(), lineno, cols.size());
    c.sources.push_back(static_cast<std::int64_t>(cols[0]));
    c.targets.push_back(static_cast<std::int64_t>(cols[1]));
    if (cols.size() >= 3) w.push_back(cols[2]);
    if (cols.size() >= 4) d.push_back(cols[3]);
  }
}

void set_override(value& root, const std::string& item) {
  const auto eq = item.find('=');
  if (eq == std::string::npos || eq == 0) throw Error("--set '{}': expected KEY=VALUE", item);
  const std::string key = item.substr(0, eq), raw = item.substr(eq + 1);
  value parsed;
  try {
    std::istringstream s("x = " + raw);
    parsed = toml::parse<toml::discard_comments, std::map, std::vector>(s, "--set")["x"];
  } catch (const std::exception&) {
    parsed = value(raw);  // a bare word: a string
  }
  value* cur = &root;
  std::stringstream parts(key);
  std::string part, seen;
  std::vector<std::string> path;
  while (std::getline(parts, part, '.')) path.push_back(part);
  for (std::size_t i = 0; i < path.size(); ++i) {
    const bool last = i + 1 == path.size();
    seen += (seen.empty() ? "" : ".") + path[i];
    if (cur->is_array()) {
      std::size_t idx = 0;
      try {
        idx = std::stoul(path[i]);
      } catch (...) {
        throw Error("--set {}: '{}' is an array; give an index", key, seen);
      }
      if (idx >= cur->as_array().size()) throw Error("--set {}: index {} beyond the {} entries", key, idx, cur->as_array().size());
      cur = &cur->as_array()[idx];
    } else {
      if (!cur->is_table()) throw Error("--set {}: '{}' is not a table", key, seen);
      auto& t = cur->as_table();
      if (last) {
        t[path[i]] = parsed;
        return;
      }
      if (!t.contains(path[i])) t[path[i]] = table{};
      cur = &t[path[i]];
    }
    if (last) *cur = parsed;
  }
}

void build_population(sim::network& net, const std::string& name, const value& v, std::uint64_t seed,
                      const fs::path& dir) {
  const std::string path = "populations." + name;
  check_keys(v, path, {"model", "size", "params", "preset", "init", "rate", "spike_times", "intrinsic"});
  sim::population_args a;
  a.name = name;
  a.model = text(need(v, "model", path), path + ".model");
  const std::int64_t size = integer(need(v, "size", path), path + ".size");
  if (size < 1) fail(need(v, "size", path), path + ".size", fmt::format("{}: must be >= 1", size));
  a.size = static_cast<std::size_t>(size);
  if (auto* p = lookup(v, "params"))
    for (const auto& [k, x] : as_table(*p, path + ".params")) a.params[k] = number(x, path + ".params." + k);
  if (auto* p = lookup(v, "preset")) a.preset = text(*p, path + ".preset");
  if (auto* r = lookup(v, "rate")) a.rates = numbers(*r, path + ".rate");
  if (auto* st = lookup(v, "spike_times")) {
    if (!st->is_array()) fail(*st, path + ".spike_times", "expected an array of arrays of times [ms]");
    for (std::size_t i = 0; i < st->as_array().size(); ++i)
      a.spike_times.push_back(numbers(st->as_array()[i], fmt::format("{}.spike_times[{}]", path, i)));
  }
  sim::population* pop = nullptr;
  try {
    pop = &net.add_population(a);
  } catch (const Error& e) {
    throw Error("{}{}: {}", where(v), path, e.what());
  }
  if (auto* in = lookup(v, "intrinsic")) {
    // intrinsic homeostasis: { target = 5.0, tau_rate = 1000.0, eta = 1.0, interval = 10.0 }
    param_map ip;
    for (const auto& [k, x] : as_table(*in, path + ".intrinsic")) ip[k] = number(x, path + ".intrinsic." + k);
    try {
      plasticity::add_intrinsic_adaptation(net, name, ip);
    } catch (const Error& e) {
      throw Error("{}{}.intrinsic: {}", where(*in), path, e.what());
    }
  }
  if (auto* init = lookup(v, "init")) {
    for (const auto& [var, x] : as_table(*init, path + ".init")) {
      const std::string key = path + ".init." + var;
      std::size_t j = 0;
      try {
        j = pop->var_index(var);
      } catch (const Error& e) {
        throw Error("{}{}: {}", where(x), key, e.what());
      }
      const auto spec = value_of(x, key);
      if (spec.k == sim::value_spec::kind::array && spec.values.size() != pop->size())
        fail(x, key, fmt::format("{} values given, the population has {}", spec.values.size(), pop->size()));
      for (std::size_t i = 0; i < pop->size(); ++i) {
        // one draw sequence per neuron and variable: independent of threads and order
        counter_rng r(seed, stream::init_state, pop->gid0() + i, j);
        double val = spec.value;
        switch (spec.k) {
          case sim::value_spec::kind::constant: break;
          case sim::value_spec::kind::array: val = spec.values[i]; break;
          case sim::value_spec::kind::uniform: val = r.uniform(spec.low, spec.high); break;
          case sim::value_spec::kind::normal: val = std::clamp(r.normal(spec.mean, spec.sd), spec.low, spec.high); break;
        }
        pop->set(j, i, val);
      }
    }
  }
}

void build_projection(sim::network& net, std::size_t index, const value& v, const fs::path& dir) {
  const std::string path = fmt::format("projections[{}]", index);
  check_keys(v, path, {"name", "from", "to", "receptor", "connect", "synapse", "plasticity"});
  sim::projection_args a;
  if (auto* n = lookup(v, "name")) a.name = text(*n, path + ".name");
  const std::string from = text(need(v, "from", path), path + ".from");
  const std::string to = text(need(v, "to", path), path + ".to");
  if (auto* r = lookup(v, "receptor")) a.port = port(*r, path + ".receptor");
  const value& c = need(v, "connect", path);
  const std::string cp = path + ".connect";
  check_keys(c, cp, {"rule", "p", "n", "autapses", "multapses", "sources", "targets", "file"});
  a.connect.rule = text(need(c, "rule", cp), cp + ".rule");
  if (auto* x = lookup(c, "p")) a.connect.p = number(*x, cp + ".p");
  if (auto* x = lookup(c, "n")) a.connect.n = integer(*x, cp + ".n");
  if (auto* x = lookup(c, "autapses")) a.connect.autapses = boolean(*x, cp + ".autapses");
  if (auto* x = lookup(c, "multapses")) a.connect.multapses = boolean(*x, cp + ".multapses");
  auto ints = [&](const value& x, const std::string& key) {
    std::vector<std::int64_t> out;
    for (double d : numbers(x, key)) {
      if (d != std::floor(d)) fail(x, key, fmt::format("{} is not a whole number", d));
      out.push_back(static_cast<std::int64_t>(d));
    }
    return out;
  };
  if (auto* x = lookup(c, "sources")) a.connect.sources = ints(*x, cp + ".sources");
  if (auto* x = lookup(c, "targets")) a.connect.targets = ints(*x, cp + ".targets");
  std::vector<double> file_w, file_d;
  if (auto* x = lookup(c, "file")) {
    fs::path f = text(*x, cp + ".file");
    if (f.is_relative()) f = dir / f;
    read_connection_file(f, a.connect, file_w, file_d, *x, cp + ".file");
  }
  if (!file_w.empty()) {
    a.weight.k = sim::value_spec::kind::array;
    a.weight.values = file_w;
  }
  if (!file_d.empty()) {
    a.delay.k = sim::value_spec::kind::array;
    a.delay.values = file_d;
  }
  if (auto* s = lookup(v, "synapse")) {
    const std::string sp = path + ".synapse";
    check_keys(*s, sp, {"weight", "delay"});
    if (auto* x = lookup(*s, "weight")) a.weight = value_of(*x, sp + ".weight");
    if (auto* x = lookup(*s, "delay")) a.delay = value_of(*x, sp + ".delay");
  }
  sim::projection* made = nullptr;
  try {
    made = &net.connect(from, to, a);
  } catch (const Error& e) {
    throw Error("{}{}: {}", where(v), path, e.what());
  }
  if (auto* pl = lookup(v, "plasticity")) {
    // { rule = "stdp_pair", <numbers: parameters>, <strings: references such as modulator = "dopamine"> }
    const std::string pp = path + ".plasticity";
    sim::rule_args r;
    r.rule = text(need(*pl, "rule", pp), pp + ".rule");
    for (const auto& [k, x] : as_table(*pl, pp)) {
      if (k == "rule") continue;
      if (x.is_string())
        r.refs[k] = x.as_string().str;
      else
        r.params[k] = number(x, pp + "." + k);
    }
    try {
      net.set_plasticity(made->name(), r);
    } catch (const Error& e) {
      throw Error("{}{}: {}", where(*pl), pp, e.what());
    }
  }
}

void build_modulator(sim::network& net, const std::string& name, const value& v) {
  const std::string path = "modulators." + name;
  check_keys(v, path, {"initial", "times", "values"});
  net.add_modulator(name, lookup(v, "initial") ? number(need(v, "initial", path), path + ".initial") : 0.0);
  if (lookup(v, "times") || lookup(v, "values")) {
    try {
      net.add_modulator_schedule(name, numbers(need(v, "times", path), path + ".times"),
                                 numbers(need(v, "values", path), path + ".values"));
    } catch (const Error& e) {
      if (!where(v).empty() && std::string(e.what()).starts_with(where(v))) throw;
      throw Error("{}{}: {}", where(v), path, e.what());
    }
  }
}

void build_input(sim::network& net, std::size_t index, const value& v) {
  const std::string path = fmt::format("inputs[{}]", index);
  const std::string type = text(need(v, "type", path), path + ".type");
  const std::string target = text(need(v, "target", path), path + ".target");
  try {
    if (type == "poisson") {
      check_keys(v, path, {"type", "target", "rate", "weight", "receptor"});
      const auto rate = numbers(need(v, "rate", path), path + ".rate");
      const double w = number(need(v, "weight", path), path + ".weight");
      const auto r = lookup(v, "receptor") ? port(need(v, "receptor", path), path + ".receptor") : sim::receptor::exc;
      net.add_poisson_input(target, rate, w, r);
    } else if (type == "noise") {
      check_keys(v, path, {"type", "target", "mean", "sd"});
      const double mean = lookup(v, "mean") ? number(need(v, "mean", path), path + ".mean") : 0.0;
      net.add_noise_input(target, mean, number(need(v, "sd", path), path + ".sd"));
    } else if (type == "current") {
      check_keys(v, path, {"type", "target", "amplitude", "start", "stop", "times", "amplitudes", "first", "count"});
      std::vector<double> times, amps;
      if (lookup(v, "amplitude")) {
        const double amp = number(need(v, "amplitude", path), path + ".amplitude");
        const double start = lookup(v, "start") ? number(need(v, "start", path), path + ".start") : 0.0;
        times = {start};
        amps = {amp};
        if (lookup(v, "stop")) {
          times.push_back(number(need(v, "stop", path), path + ".stop"));
          amps.push_back(0.0);
        }
      } else {
        times = numbers(need(v, "times", path), path + ".times");
        amps = numbers(need(v, "amplitudes", path), path + ".amplitudes");
      }
      const std::int64_t first = lookup(v, "first") ? integer(need(v, "first", path), path + ".first") : 0;
      const std::int64_t count = lookup(v, "count") ? integer(need(v, "count", path), path + ".count") : 0;
      if (first < 0 || count < 0) fail(v, path, "first and count must be >= 0");
      net.add_current_input(target, times, amps, static_cast<std::size_t>(first), static_cast<std::size_t>(count));
    } else {
      fail(need(v, "type", path), path + ".type", fmt::format("'{}': must be 'poisson', 'noise' or 'current'", type));
    }
  } catch (const Error& e) {
    if (std::string(e.what()).starts_with(where(v)) && !where(v).empty()) throw;
    throw Error("{}{}: {}", where(v), path, e.what());
  }
}

void build_record(sim::network& net, std::size_t index, const value& v) {
  const std::string path = fmt::format("record[{}]", index);
  const std::string type = text(need(v, "type", path), path + ".type");
  try {
    if (type == "spikes") {
      check_keys(v, path, {"type", "population"});
      net.record_spikes(text(need(v, "population", path), path + ".population"));
    } else if (type == "state") {
      check_keys(v, path, {"type", "population", "variables", "indices", "every"});
      std::vector<std::string> vars;
      const value& vv = need(v, "variables", path);
      if (vv.is_array())
        for (const auto& x : vv.as_array()) vars.push_back(text(x, path + ".variables"));
      else
        vars.push_back(text(vv, path + ".variables"));
      std::vector<std::uint32_t> idx;
      for (double d : numbers(need(v, "indices", path), path + ".indices")) {
        if (d < 0 || d != std::floor(d)) fail(v, path + ".indices", fmt::format("{} is not a neuron index", d));
        idx.push_back(static_cast<std::uint32_t>(d));
      }
      const double every = lookup(v, "every") ? number(need(v, "every", path), path + ".every") : 0.0;
      net.record_state(text(need(v, "population", path), path + ".population"), vars, idx, every);
    } else if (type == "weights") {
      check_keys(v, path, {"type", "projection", "indices", "every"});
      std::vector<std::uint64_t> idx;
      if (lookup(v, "indices"))
        for (double d : numbers(need(v, "indices", path), path + ".indices")) {
          if (d < 0 || d != std::floor(d)) fail(v, path + ".indices", fmt::format("{} is not a synapse index", d));
          idx.push_back(static_cast<std::uint64_t>(d));
        }
      const double every = lookup(v, "every") ? number(need(v, "every", path), path + ".every") : 0.0;
      net.record_weights(text(need(v, "projection", path), path + ".projection"), idx, every);
    } else if (type == "rate") {
      check_keys(v, path, {"type", "population", "bin"});
      const double bin = lookup(v, "bin") ? number(need(v, "bin", path), path + ".bin") : 0.0;
      net.record_rate(text(need(v, "population", path), path + ".population"), bin);
    } else {
      fail(need(v, "type", path), path + ".type", fmt::format("'{}': must be 'spikes', 'state' or 'rate'", type));
    }
  } catch (const Error& e) {
    if (!where(v).empty() && std::string(e.what()).starts_with(where(v))) throw;
    throw Error("{}{}: {}", where(v), path, e.what());
  }
}

const value& array_of_tables(const value& root, const std::string& key, const value& empty) {
  const value* v = lookup(root, key);
  if (!v) return empty;
  if (!v->is_array()) fail(*v, key, fmt::format("expected [[{}]] entries, got {}", key, type_name(*v)));
  for (const auto& x : v->as_array())
    if (!x.is_table()) fail(x, key, "each entry must be a table");
  return *v;
}

model build(value root, const std::string& name, const std::string& text_in,
            const std::vector<std::string>& overrides, const fs::path& dir) {
  for (const auto& o : overrides) set_override(root, o);
  plasticity::register_rules();
  check_keys(root, "the model file", {"simulation", "populations", "projections", "inputs", "record", "modulators"});
  sim::network_config cfg;
  double duration = 1000.0;
  if (auto* s = lookup(root, "simulation")) {
    check_keys(*s, "simulation", {"dt", "duration", "seed", "threads", "precision"});
    if (auto* x = lookup(*s, "dt")) cfg.dt = number(*x, "simulation.dt");
    if (auto* x = lookup(*s, "duration")) duration = number(*x, "simulation.duration");
    if (auto* x = lookup(*s, "seed")) {
      const auto seed = integer(*x, "simulation.seed");
      if (seed < 0) fail(*x, "simulation.seed", fmt::format("{}: must be >= 0", seed));
      cfg.seed = static_cast<std::uint64_t>(seed);
    }
    if (auto* x = lookup(*s, "threads")) cfg.threads = static_cast<int>(integer(*x, "simulation.threads"));
    if (auto* x = lookup(*s, "precision")) cfg.precision = text(*x, "simulation.precision");
  }
  if (!(duration >= 0)) throw Error("{}: simulation.duration = {} ms: must be >= 0", name, duration);
  model m;
  try {
    m.net = std::make_unique<sim::network>(cfg);
  } catch (const Error& e) {
    throw Error("{}: {}", name, e.what());
  }
  m.duration = duration;
  m.path = name;
  m.text = text_in;
  m.overrides = overrides;
  const value* pops = lookup(root, "populations");
  if (!pops) throw Error("{}: no [populations.NAME] table: a model needs at least one population", name);
  for (const auto& [pname, pv] : as_table(*pops, "populations")) {
    if (!pv.is_table()) fail(pv, "populations." + pname, "expected a table [populations." + pname + "]");
    build_population(*m.net, pname, pv, cfg.seed, dir);
  }
  if (auto* mods = lookup(root, "modulators"))
    for (const auto& [mname, mv] : as_table(*mods, "modulators")) build_modulator(*m.net, mname, mv);
  const value empty = value::array_type{};
  const auto& projs = array_of_tables(root, "projections", empty).as_array();
  for (std::size_t i = 0; i < projs.size(); ++i) build_projection(*m.net, i, projs[i], dir);
  const auto& inputs = array_of_tables(root, "inputs", empty).as_array();
  for (std::size_t i = 0; i < inputs.size(); ++i) build_input(*m.net, i, inputs[i]);
  const auto& recs = array_of_tables(root, "record", empty).as_array();
  for (std::size_t i = 0; i < recs.size(); ++i) build_record(*m.net, i, recs[i]);
  return m;
}

value parse(std::istream& in, const std::string& name) {
  try {
    return toml::parse<toml::discard_comments, std::map, std::vector>(in, name);
  } catch (const toml::syntax_error& e) {
    // toml11's message spans several lines; keep its first line and the place
    std::string msg = e.what();
    msg = msg.substr(0, msg.find('\n'));
    if (msg.starts_with("[error] ")) msg = msg.substr(8);
    throw Error("{}:{}: malformed TOML: {}", e.location().file_name(), e.location().line(), msg);
  }
}

}  // namespace

model load_model(const std::string& path, const std::vector<std::string>& overrides) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open model file '{}'", path);
  std::stringstream buf;
  buf << in.rdbuf();
  const std::string t = buf.str();
  std::istringstream s(t);
  return build(parse(s, path), path, t, overrides, fs::path(path).parent_path());
}

model load_model_text(const std::string& t, const std::string& name, const std::vector<std::string>& overrides) {
  std::istringstream s(t);
  return build(parse(s, name), name, t, overrides, fs::current_path());
}

}  // namespace hebb::io
