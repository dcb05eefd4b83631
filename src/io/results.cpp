#include <hebb/io/results.hpp>

#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <algorithm>
#include <map>

namespace hebb::io {

namespace {

namespace fs = std::filesystem;

// An HDF5 handle closed by `close` on scope exit.
struct handle {
  hid_t id;
  herr_t (*close)(hid_t);
  handle(hid_t i, herr_t (*c)(hid_t), const std::string& what) : id(i), close(c) {
    if (id < 0) throw Error("HDF5: cannot {}", what);
  }
  ~handle() { close(id); }
  handle(const handle&) = delete;
  operator hid_t() const { return id; }
};

void quiet() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

handle group(hid_t parent, const std::string& path) {
  if (H5Lexists(parent, path.c_str(), H5P_DEFAULT) > 0) return {H5Gopen2(parent, path.c_str(), H5P_DEFAULT), H5Gclose, "open group " + path};
  handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create property list");
  H5Pset_create_intermediate_group(lcpl, 1);
  return {H5Gcreate2(parent, path.c_str(), lcpl, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create group " + path};
}

template <class T>
hid_t h5type();
template <> hid_t h5type<double>() { return H5T_NATIVE_DOUBLE; }
template <> hid_t h5type<std::uint32_t>() { return H5T_NATIVE_UINT32; }
template <> hid_t h5type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> hid_t h5type<float>() { return H5T_NATIVE_FLOAT; }

template <class T>
void dataset(hid_t g, const std::string& name, const std::vector<T>& data, std::vector<hsize_t> dims = {}) {
  if (dims.empty()) dims = {static_cast<hsize_t>(data.size())};
  handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose, "create dataspace");
  handle d(H5Dcreate2(g, name.c_str(), h5type<T>(), space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
           "create dataset " + name);
  if (!data.empty() && H5Dwrite(d, h5type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()) < 0)
    throw Error("HDF5: cannot write dataset {}", name);
}

template <class T>
void attr(hid_t obj, const std::string& name, T value) {
  handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  handle a(H5Acreate2(obj, name.c_str(), h5type<T>(), space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
  H5Awrite(a, h5type<T>(), &value);
}

void attr(hid_t obj, const std::string& name, const std::string& value) {
  handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  H5Tset_size(type, std::max<std::size_t>(1, value.size()));
  H5Tset_cset(type, H5T_CSET_UTF8);
  handle space(H5Screate(H5S_SCALAR), H5Sclose, "create dataspace");
  handle a(H5Acreate2(obj, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose, "create attribute " + name);
  std::string padded = value.empty() ? std::string(1, '\0') : value;
  H5Awrite(a, type, padded.data());
}

template <class T>
T read_attr(hid_t obj, const std::string& name, T fallback) {
  if (H5Aexists(obj, name.c_str()) <= 0) return fallback;
  handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  T v{};
  if (H5Aread(a, h5type<T>(), &v) < 0) return fallback;
  return v;
}

std::string read_attr_string(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return "";
  handle a(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  handle type(H5Aget_type(a), H5Tclose, "read attribute type");
  if (H5Tis_variable_str(type) > 0) return "";
  std::string s(H5Tget_size(type), '\0');
  handle mem(H5Tcopy(type), H5Tclose, "copy type");
  H5Aread(a, mem, s.data());
  return s.substr(0, s.find('\0'));
}

template <class T>
std::vector<T> read_1d(hid_t g, const std::string& name) {
  if (H5Lexists(g, name.c_str(), H5P_DEFAULT) <= 0) return {};
  handle d(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, "open dataset " + name);
  handle space(H5Dget_space(d), H5Sclose, "read dataspace");
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<T> out(static_cast<std::size_t>(n));
  if (n > 0 && H5Dread(d, h5type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
    throw Error("HDF5: cannot read dataset {}", name);
  return out;
}

std::vector<std::string> children(hid_t g) {
  H5G_info_t info;
  H5Gget_info(g, &info);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string s(static_cast<std::size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, s.data(), s.size(), H5P_DEFAULT);
    s.resize(static_cast<std::size_t>(n));
    out.push_back(s);
  }
  return out;
}

}  // namespace

void check_writable(const std::string& path) {
  fs::path p(path);
  fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  if (!fs::is_directory(dir)) throw Error("output '{}': folder '{}' does not exist", path, dir.string());
  if (access(dir.c_str(), W_OK) != 0) throw Error("output '{}': folder '{}' is not writable", path, dir.string());
  if (fs::exists(p) && access(p.c_str(), W_OK) != 0) throw Error("output '{}': file exists and is not writable", path);
  if (fs::is_directory(p)) throw Error("output '{}' is a folder", path);
}

void write_results(const std::string& path, sim::network& net, const run_meta& meta) {
  quiet();
  check_writable(path);
  const std::string tmp = path + ".tmp" + std::to_string(getpid());
  try {
    handle f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create " + tmp);
    {
      handle m = group(f, "meta");
      attr(m, "version", std::string("hebb 0.1.0"));
      attr(m, "seed", static_cast<std::int64_t>(net.config().seed));
      attr(m, "dt", net.config().dt);
      attr(m, "t_end", net.time());
      attr(m, "threads", static_cast<std::int64_t>(net.config().threads));
      attr(m, "precision", net.config().precision);
      attr(m, "complete", static_cast<std::int64_t>(meta.complete ? 1 : 0));
      attr(m, "wall_time", meta.wall_time);
      attr(m, "model", meta.model_text);
    }
    for (const auto& p : net.populations()) {
      handle g = group(f, "populations/" + p->name());
      attr(g, "model", p->info().name);
      attr(g, "size", static_cast<std::int64_t>(p->size()));
    }
    for (const auto& m : net.spike_monitors()) {
      handle g = group(f, "spikes/" + m.population);
      dataset(g, "times", m.times);
      dataset(g, "senders", m.senders);
    }
    for (const auto& m : net.state_monitors()) {
      handle g = group(f, "state/" + m.population);
      if (H5Lexists(g, "times", H5P_DEFAULT) <= 0) {
        dataset(g, "times", m.times);
        dataset(g, "indices", m.indices);
      }
      for (std::size_t v = 0; v < m.variables.size(); ++v)
        if (H5Lexists(g, m.variables[v].c_str(), H5P_DEFAULT) <= 0)
          dataset(g, m.variables[v], m.data[v], {static_cast<hsize_t>(m.times.size()), static_cast<hsize_t>(m.indices.size())});
    }
    for (const auto& m : net.rate_monitors()) {
      handle g = group(f, "rate/" + m.population);
      dataset(g, "times", m.times);
      dataset(g, "rate", m.rate);
      attr(g, "bin", m.bin_ms);
    }
    std::vector<std::string> weights = meta.weights;  // asked for, and every plastic projection
    for (const auto& p : net.projections())
      if (p->rule() && std::find(weights.begin(), weights.end(), p->name()) == weights.end()) weights.push_back(p->name());
    for (const auto& m : net.weight_monitors()) {
      handle g = group(f, "weights/" + m.projection);
      const auto per = m.indices.empty() ? net.proj(m.projection).size() : m.indices.size();
      dataset(g, "snapshot_times", m.times);
      dataset(g, "snapshots", m.data, {static_cast<hsize_t>(m.times.size()), static_cast<hsize_t>(per)});
      if (!m.indices.empty())
        dataset(g, "snapshot_indices", std::vector<std::int64_t>(m.indices.begin(), m.indices.end()));
    }
    for (const auto& name : weights) {
      const auto& pr = net.proj(name);
      handle g = group(f, "weights/" + name);
      std::vector<std::uint32_t> src(pr.size());
      for (std::size_t s = 0; s + 1 < pr.row_ptr().size(); ++s)
        for (auto k = pr.row_ptr()[s]; k < pr.row_ptr()[s + 1]; ++k) src[k] = static_cast<std::uint32_t>(s);
      dataset(g, "sources", src);
      dataset(g, "targets", std::vector<std::uint32_t>(pr.targets().begin(), pr.targets().end()));
      dataset(g, "weights", std::vector<float>(pr.weights().begin(), pr.weights().end()));
      std::vector<double> d;
      for (auto s : pr.delays()) d.push_back(s * net.config().dt);
      dataset(g, "delays", d);
    }
    H5Fflush(f, H5F_SCOPE_GLOBAL);
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw Error("output '{}': cannot rename the finished file into place", path);
  }
}

results_summary read_summary(const std::string& path) {
  quiet();
  if (!fs::exists(path)) throw Error("results file '{}' does not exist", path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'{}' is not an HDF5 results file", path);
  handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path);
  if (H5Lexists(f, "meta", H5P_DEFAULT) <= 0) throw Error("'{}' has no /meta group: not a hebb results file", path);
  results_summary s;
  {
    handle m(H5Gopen2(f, "meta", H5P_DEFAULT), H5Gclose, "open /meta");
    s.version = read_attr_string(m, "version");
    s.complete = read_attr<std::int64_t>(m, "complete", 0) == 1;
    s.seed = static_cast<std::uint64_t>(read_attr<std::int64_t>(m, "seed", 0));
    s.dt = read_attr<double>(m, "dt", 0);
    s.t_end = read_attr<double>(m, "t_end", 0);
    s.wall_time = read_attr<double>(m, "wall_time", 0);
    s.threads = static_cast<int>(read_attr<std::int64_t>(m, "threads", 0));
  }
  if (H5Lexists(f, "populations", H5P_DEFAULT) <= 0) return s;
  handle pops(H5Gopen2(f, "populations", H5P_DEFAULT), H5Gclose, "open /populations");
  for (const auto& name : children(pops)) {
    population_summary p;
    p.name = name;
    handle g(H5Gopen2(pops, name.c_str(), H5P_DEFAULT), H5Gclose, "open population " + name);
    p.model = read_attr_string(g, "model");
    p.size = static_cast<std::size_t>(read_attr<std::int64_t>(g, "size", 0));
    p.cv_isi = std::nan("");
    const std::string sp = "spikes/" + name;
    if (H5Lexists(f, "spikes", H5P_DEFAULT) > 0 && H5Lexists(f, sp.c_str(), H5P_DEFAULT) > 0) {
      handle sg(H5Gopen2(f, sp.c_str(), H5P_DEFAULT), H5Gclose, "open " + sp);
      const auto times = read_1d<double>(sg, "times");
      const auto senders = read_1d<std::uint32_t>(sg, "senders");
      p.recorded = true;
      p.spikes = times.size();
      p.rate = s.t_end > 0 && p.size > 0 ? static_cast<double>(p.spikes) / (static_cast<double>(p.size) * s.t_end * 1e-3) : 0;
      std::vector<std::vector<double>> per(p.size);
      for (std::size_t k = 0; k < times.size() && k < senders.size(); ++k)
        if (senders[k] < p.size) per[senders[k]].push_back(times[k]);
      double cv_sum = 0;
      std::size_t cv_n = 0;
      for (const auto& t : per) {
        if (t.size() < 3) continue;
        double m = 0, m2 = 0;
        for (std::size_t k = 1; k < t.size(); ++k) m += t[k] - t[k - 1];
        m /= static_cast<double>(t.size() - 1);
        for (std::size_t k = 1; k < t.size(); ++k) m2 += (t[k] - t[k - 1] - m) * (t[k] - t[k - 1] - m);
        m2 /= static_cast<double>(t.size() - 1);
        cv_sum += std::sqrt(m2) / m;
        ++cv_n;
      }
      if (cv_n) p.cv_isi = cv_sum / static_cast<double>(cv_n);
    }
    s.populations.push_back(p);
  }
  return s;
}

}  // namespace hebb::io

namespace hebb::io {

std::vector<std::string> load_weights(sim::network& net, const std::string& path) {
  quiet();
  if (!fs::exists(path)) throw Error("weights file '{}' does not exist", path);
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'{}' is not an HDF5 results file", path);
  handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path);
  std::vector<std::string> done;
  if (H5Lexists(f, "weights", H5P_DEFAULT) <= 0) throw Error("'{}' has no /weights group", path);
  handle g(H5Gopen2(f, "weights", H5P_DEFAULT), H5Gclose, "open /weights");
  for (const auto& name : children(g)) {
    auto& pr = net.proj(name);
    handle pg(H5Gopen2(g, name.c_str(), H5P_DEFAULT), H5Gclose, "open /weights/" + name);
    const auto w = read_1d<float>(pg, "weights");
    const auto t = read_1d<std::uint32_t>(pg, "targets");
    if (w.size() != pr.size() || !std::equal(t.begin(), t.end(), pr.targets().begin()))
      throw Error("weights file '{}': projection '{}' has {} synapses there and {} here, or other targets: "
                  "load weights into the network they came from (same model and seed)",
                  path, name, w.size(), pr.size());
    std::copy(w.begin(), w.end(), pr.weights().begin());
    done.push_back(name);
  }
  return done;
}

}  // namespace hebb::io
