// Bindings of the memory part: associative memories and sparse distributed codes.
// Arrays cross as numpy arrays; patterns are rows ((N, d) arrays), which have the
// memory layout of the engine's column-major d x N matrices.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <hebb/core/error.hpp>
#include <hebb/memory/binary_hopfield.hpp>
#include <hebb/memory/classical_hopfield.hpp>
#include <hebb/memory/dendritic_neuron.hpp>
#include <hebb/memory/dense_hebbian.hpp>
#include <hebb/memory/modern_hopfield.hpp>
#include <hebb/memory/sdr_probability.hpp>
#include <hebb/memory/sparsey.hpp>

#include "common.hpp"

namespace py = pybind11;
using namespace hebb::memory;

namespace {

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// A 1-D or 2-D array as rows: (rows, cols)
template <class T>
std::pair<py::ssize_t, py::ssize_t> rows_cols(const carray<T>& a, const char* what) {
  if (a.ndim() == 1) return {1, a.shape(0)};
  if (a.ndim() == 2) return {a.shape(0), a.shape(1)};
  throw hebb::Error("{}: expected a 1-D or 2-D array, got {} dimensions", what, a.ndim());
}

template <class T>
std::span<const T> flat(const carray<T>& a) {
  return {a.data(), static_cast<std::size_t>(a.size())};
}

std::vector<std::uint32_t> indices(const carray<std::int64_t>& a, const char* what) {
  if (a.ndim() != 1) throw hebb::Error("{}: expected a 1-D array of cell indices", what);
  std::vector<std::uint32_t> out;
  out.reserve(static_cast<std::size_t>(a.size()));
  for (py::ssize_t i = 0; i < a.size(); ++i) {
    if (a.data()[i] < 0 || a.data()[i] > 0xffffffffLL)
      throw hebb::Error("{}: index {} out of range", what, a.data()[i]);
    out.push_back(static_cast<std::uint32_t>(a.data()[i]));
  }
  return out;
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

// Column-major d x B matrix -> (B, d) numpy array (same memory layout), or (d,) if
// the input was 1-D.
template <class M>
py::array to_rows(const M& m, bool one) {
  using T = typename M::Scalar;
  if (one) {
    py::array_t<T> out(m.rows());
    std::copy(m.data(), m.data() + m.size(), out.mutable_data());
    return out;
  }
  py::array_t<T> out({m.cols(), m.rows()});
  std::copy(m.data(), m.data() + m.size(), out.mutable_data());
  return out;
}

template <class T>
void bind_modern(py::module_& m, const char* name) {
  using net = modern_hopfield<T>;
  using mat = typename net::matrix;
  auto as_cols = [](const carray<T>& q, const char* what) {
    auto [r, c] = rows_cols(q, what);
    return mat(Eigen::Map<const mat>(q.data(), c, r));
  };
  py::class_<net>(m, name)
      .def(py::init([as_cols](const carray<T>& patterns, T beta) {
             if (patterns.ndim() != 2)
               throw hebb::Error("ModernHopfield: patterns must be a 2-D (N, d) array, got {} dimensions",
                                 patterns.ndim());
             return net(as_cols(patterns, "patterns"), beta);
           }),
           py::arg("patterns"), py::arg("beta"))
      .def_property_readonly("dim", &net::dim)
      .def_property_readonly("size", &net::size)
      .def_property_readonly("beta", &net::beta)
      .def_property_readonly("max_norm", &net::max_norm)
      .def(
          "update",
          [as_cols](const net& self, const carray<T>& q) {
            const mat qm = as_cols(q, "update");
            mat out;
            {
              py::gil_scoped_release nogil;
              out = self.update(qm);
            }
            return to_rows(out, q.ndim() == 1);
          },
          py::arg("queries"))
      .def(
          "retrieve",
          [as_cols](const net& self, const carray<T>& q, int max_steps, T tol) {
            const mat qm = as_cols(q, "retrieve");
            int steps = 0;
            mat out;
            {
              py::gil_scoped_release nogil;
              out = self.retrieve(qm, max_steps, tol, &steps);
            }
            return py::make_tuple(to_rows(out, q.ndim() == 1), steps);
          },
          py::arg("queries"), py::arg("max_steps") = 100, py::arg("tol") = T(1e-6))
      .def(
          "weights",
          [as_cols](const net& self, const carray<T>& q) {
            return to_rows(self.weights(as_cols(q, "weights")), q.ndim() == 1);
          },
          py::arg("queries"))
      .def(
          "energy",
          [as_cols](const net& self, const carray<T>& s) {
            auto e = self.energy(as_cols(s, "energy"));
            if (s.ndim() == 1) return py::object(py::float_(e(0)));
            return py::object(py::cast(Eigen::Matrix<T, Eigen::Dynamic, 1>(e)));
          },
          py::arg("states"))
      .def("separations", [](const net& self) {
        return Eigen::Matrix<T, Eigen::Dynamic, 1>(self.separations());
      })
      .def("separation_bound", &net::separation_bound)
      .def_property_readonly("patterns", [](const net& self) { return to_rows(self.patterns(), false); });
}

}  // namespace

PYBIND11_MODULE(_memory, m) {
  m.doc() = "hebb memory: associative memories and sparse distributed codes";
  hebb::py_common::register_errors();

  // --- Ahmad & Hawkins probabilities
  m.def("log_binomial", &log_binomial, py::arg("n"), py::arg("k"));
  m.def("log_hypergeometric_tail", &log_hypergeometric_tail, py::arg("population"),
        py::arg("successes"), py::arg("draws"), py::arg("k_min"));
  m.def("log_false_match", &log_false_match, py::arg("n"), py::arg("a"), py::arg("s"), py::arg("theta"));
  m.def("false_match", &false_match, py::arg("n"), py::arg("a"), py::arg("s"), py::arg("theta"));
  m.def("log_neuron_false_match", &log_neuron_false_match, py::arg("n"), py::arg("a"), py::arg("s"),
        py::arg("theta"), py::arg("segments"));
  m.def("neuron_false_match", &neuron_false_match, py::arg("n"), py::arg("a"), py::arg("s"),
        py::arg("theta"), py::arg("segments"));
  m.def("log_noise_match", &log_noise_match, py::arg("a"), py::arg("s"), py::arg("theta"), py::arg("v"));
  m.def("noise_match", &noise_match, py::arg("a"), py::arg("s"), py::arg("theta"), py::arg("v"));
  m.def(
      "to_decimal",
      [](double lp) {
        auto d = to_decimal(lp);
        return py::make_tuple(d.mantissa, d.exponent);
      },
      py::arg("log_p"), "ln P -> (mantissa, exponent) with P = mantissa * 10**exponent");
  m.def(
      "monte_carlo_false_matches",
      [](std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t trials,
         std::uint64_t seed) {
        py::gil_scoped_release nogil;
        return monte_carlo_false_matches(n, a, s, theta, trials, seed);
      },
      py::arg("n"), py::arg("a"), py::arg("s"), py::arg("theta"), py::arg("trials"), py::arg("seed"));
  m.def(
      "monte_carlo_noise_matches",
      [](std::int64_t n, std::int64_t a, std::int64_t s, std::int64_t theta, std::int64_t v,
         std::int64_t trials, std::uint64_t seed) {
        py::gil_scoped_release nogil;
        return monte_carlo_noise_matches(n, a, s, theta, v, trials, seed);
      },
      py::arg("n"), py::arg("a"), py::arg("s"), py::arg("theta"), py::arg("v"), py::arg("trials"),
      py::arg("seed"));
  m.def(
      "random_pattern",
      [](std::int64_t n, std::int64_t k, std::uint64_t seed, std::uint64_t entity, std::uint64_t step) {
        return to_numpy(random_pattern(n, k, seed, entity, step));
      },
      py::arg("n"), py::arg("k"), py::arg("seed"), py::arg("entity"), py::arg("step") = 0);
  m.def(
      "add_noise",
      [](const carray<std::int64_t>& active, std::int64_t n, std::int64_t v, std::uint64_t seed,
         std::uint64_t entity, std::uint64_t step) {
        return to_numpy(add_noise(indices(active, "add_noise"), n, v, seed, entity, step));
      },
      py::arg("active"), py::arg("n"), py::arg("v"), py::arg("seed"), py::arg("entity"),
      py::arg("step") = 0);

  py::class_<dendritic_neuron>(m, "DendriticNeuron")
      .def(py::init([](std::int64_t n, std::int64_t synapses, std::int64_t threshold, std::uint64_t seed) {
             return dendritic_neuron({n, synapses, threshold, seed});
           }),
           py::arg("n"), py::arg("synapses"), py::arg("threshold"), py::arg("seed") = 1)
      .def("learn", [](dendritic_neuron& s, const carray<std::int64_t>& a) { return s.learn(indices(a, "learn")); },
           py::arg("active"))
      .def("add_segment",
           [](dendritic_neuron& s, const carray<std::int64_t>& a) { return s.add_segment(indices(a, "add_segment")); },
           py::arg("cells"))
      .def("overlaps",
           [](const dendritic_neuron& s, const carray<std::int64_t>& a) { return to_numpy(s.overlaps(indices(a, "overlaps"))); },
           py::arg("active"))
      .def("first_active_segment",
           [](const dendritic_neuron& s, const carray<std::int64_t>& a) {
             return s.first_active_segment(indices(a, "first_active_segment"));
           },
           py::arg("active"))
      .def("fires", [](const dendritic_neuron& s, const carray<std::int64_t>& a) { return s.fires(indices(a, "fires")); },
           py::arg("active"))
      .def_property_readonly("segments", &dendritic_neuron::segments)
      .def("segment", [](const dendritic_neuron& s, std::size_t k) { return to_numpy(s.segment(k)); })
      .def_property_readonly("n", [](const dendritic_neuron& s) { return s.params().n; })
      .def_property_readonly("synapses", [](const dendritic_neuron& s) { return s.params().synapses; })
      .def_property_readonly("threshold", [](const dendritic_neuron& s) { return s.params().threshold; });

  // --- Hopfield memories
  bind_modern<float>(m, "ModernHopfield32");
  bind_modern<double>(m, "ModernHopfield64");

  py::class_<binary_hopfield>(m, "BinaryHopfield")
      .def(py::init<std::size_t>(), py::arg("dim"))
      .def("add",
           [](binary_hopfield& s, const carray<std::int8_t>& p) {
             auto [r, c] = rows_cols(p, "add");
             if (static_cast<std::size_t>(c) != s.dim())
               throw hebb::Error("BinaryHopfield.add: patterns have dimension {}, the memory {}", c, s.dim());
             s.add(flat(p));
           },
           py::arg("patterns"))
      .def_property_readonly("dim", &binary_hopfield::dim)
      .def_property_readonly("size", &binary_hopfield::size)
      .def_property_readonly("bytes", &binary_hopfield::bytes)
      .def("similarities",
           [](const binary_hopfield& s, const carray<std::int8_t>& q) {
             auto [r, c] = rows_cols(q, "similarities");
             if (static_cast<std::size_t>(c) != s.dim())
               throw hebb::Error("BinaryHopfield.similarities: queries have dimension {}, the memory {}", c, s.dim());
             py::array_t<std::int32_t> out({r, static_cast<py::ssize_t>(s.size())});
             {
               py::gil_scoped_release nogil;
               s.similarities(flat(q), {out.mutable_data(), static_cast<std::size_t>(out.size())});
             }
             if (q.ndim() == 1) return py::array(out[py::int_(0)]);
             return py::array(out);
           },
           py::arg("queries"))
      .def("update",
           [](const binary_hopfield& s, const carray<std::int8_t>& q, double beta, bool return_summed) {
             auto [r, c] = rows_cols(q, "update");
             if (static_cast<std::size_t>(c) != s.dim())
               throw hebb::Error("BinaryHopfield.update: queries have dimension {}, the memory {}", c, s.dim());
             py::array_t<double> out({r, c});
             py::array_t<std::int64_t> summed(r);
             {
               py::gil_scoped_release nogil;
               s.update(flat(q), beta, {out.mutable_data(), static_cast<std::size_t>(out.size())},
                        {summed.mutable_data(), static_cast<std::size_t>(r)});
             }
             py::object y = q.ndim() == 1 ? py::object(out[py::int_(0)]) : py::object(out);
             if (return_summed) return py::object(py::make_tuple(y, summed));
             return y;
           },
           py::arg("queries"), py::arg("beta"), py::arg("return_summed") = false)
      .def("retrieve",
           [](const binary_hopfield& s, const carray<std::int8_t>& q, double beta) {
             auto [r, c] = rows_cols(q, "retrieve");
             if (static_cast<std::size_t>(c) != s.dim())
               throw hebb::Error("BinaryHopfield.retrieve: queries have dimension {}, the memory {}", c, s.dim());
             py::array_t<std::int8_t> out({r, c});
             {
               py::gil_scoped_release nogil;
               s.retrieve(flat(q), beta, {out.mutable_data(), static_cast<std::size_t>(out.size())});
             }
             if (q.ndim() == 1) return py::array(out[py::int_(0)]);
             return py::array(out);
           },
           py::arg("queries"), py::arg("beta"))
      .def("pattern", [](const binary_hopfield& s, std::size_t i) { return to_numpy(s.pattern(i)); });

  py::class_<classical_hopfield>(m, "ClassicalHopfield")
      .def(py::init([](const carray<std::int8_t>& p) {
             if (p.ndim() != 2) throw hebb::Error("ClassicalHopfield: patterns must be a 2-D (N, d) array");
             return classical_hopfield(flat(p), static_cast<std::size_t>(p.shape(1)));
           }),
           py::arg("patterns"))
      .def_property_readonly("dim", &classical_hopfield::dim)
      .def_property_readonly("size", &classical_hopfield::size)
      .def_property_readonly("weights", &classical_hopfield::weights)
      .def("recall",
           [](const classical_hopfield& s, const carray<std::int8_t>& st, std::uint64_t seed,
              std::uint64_t entity, int max_sweeps, bool return_energies) {
             std::vector<double> e;
             auto out = to_numpy(s.recall(flat(st), seed, entity, max_sweeps, return_energies ? &e : nullptr));
             if (return_energies) return py::object(py::make_tuple(out, to_numpy(e)));
             return py::object(out);
           },
           py::arg("state"), py::arg("seed"), py::arg("entity") = 0, py::arg("max_sweeps") = 100,
           py::arg("return_energies") = false)
      .def("energy", [](const classical_hopfield& s, const carray<std::int8_t>& st) { return s.energy(flat(st)); });

  // --- dense Hebbian
  m.def(
      "make_dense_hebbian_data",
      [](std::int64_t n, std::int64_t k, std::int64_t mm, double r, std::uint64_t seed, std::uint64_t draw) {
        auto d = make_dense_hebbian_data(n, k, mm, r, seed, draw);
        return py::make_tuple(d.archetypes, d.examples);
      },
      py::arg("n"), py::arg("k"), py::arg("m"), py::arg("r"), py::arg("seed"), py::arg("draw") = 0,
      "K archetypes (K, N) and their M noisy examples each ((K M, N), grouped by archetype)");
  m.def(
      "empirical_archetypes",
      [](const carray<std::int8_t>& ex, std::int64_t per_class, double r) {
        if (ex.ndim() != 2) throw hebb::Error("empirical_archetypes: examples must be a 2-D array");
        sign_matrix e = Eigen::Map<const sign_matrix>(ex.data(), ex.shape(0), ex.shape(1));
        return empirical_archetypes(e, per_class, r);
      },
      py::arg("examples"), py::arg("per_class"), py::arg("r"));
  m.def("expected_overlap", &expected_overlap, py::arg("r"), py::arg("m"));
  m.def("erf_overlap", &erf_overlap, py::arg("r"), py::arg("m"));
  m.def("dataset_entropy", &dataset_entropy, py::arg("r"), py::arg("m"));

  py::class_<dense_hebbian>(m, "DenseHebbian")
      .def(py::init([](const Eigen::MatrixXd& xibar, int p) { return dense_hebbian(xibar, p); }),
           py::arg("archetypes"), py::arg("p"))
      .def_property_readonly("size", &dense_hebbian::size)
      .def_property_readonly("patterns", &dense_hebbian::patterns)
      .def_property_readonly("order", &dense_hebbian::order)
      .def_property_readonly("archetypes", &dense_hebbian::archetypes)
      .def("energy", [](const dense_hebbian& s, const carray<std::int8_t>& st) { return s.energy(flat(st)); })
      .def("overlaps", [](const dense_hebbian& s, const carray<std::int8_t>& st) { return Eigen::VectorXd(s.overlaps(flat(st))); })
      .def("relax",
           [](const dense_hebbian& s, const carray<std::int8_t>& st, std::uint64_t seed, std::uint64_t entity,
              int max_sweeps) {
             int sweeps = 0;
             std::vector<std::int8_t> out;
             {
               py::gil_scoped_release nogil;
               out = s.relax(flat(st), seed, entity, max_sweeps, &sweeps);
             }
             return py::make_tuple(to_numpy(out), sweeps);
           },
           py::arg("state"), py::arg("seed"), py::arg("entity") = 0, py::arg("max_sweeps") = 1000)
      .def("sample",
           [](const dense_hebbian& s, const carray<std::int8_t>& st, double t, int sweeps, std::uint64_t seed,
              std::uint64_t entity) {
             std::vector<std::int8_t> out;
             {
               py::gil_scoped_release nogil;
               out = s.sample(flat(st), t, sweeps, seed, entity);
             }
             return to_numpy(out);
           },
           py::arg("state"), py::arg("temperature"), py::arg("sweeps"), py::arg("seed"), py::arg("entity") = 0);

  // --- Sparsey
  auto rows_of = [](const sparsey_mac& s, const carray<std::uint8_t>& x, const char* what) {
    auto [r, c] = rows_cols(x, what);
    if (c != s.params().inputs)
      throw hebb::Error("SparseyMac.{}: inputs have {} columns, the mac {} inputs", what, c, s.params().inputs);
    return std::pair{r, c};
  };
  py::class_<sparsey_mac>(m, "SparseyMac")
      .def(py::init([](std::int64_t inputs, std::int64_t modules, std::int64_t units, double familiarity_floor,
                       double max_gain, double gain_exponent, double steepness, double midpoint,
                       const std::string& match_rule, const std::string& storage, std::uint64_t seed) {
             sparsey_match_rule mt;
             if (match_rule == "coverage") mt = sparsey_match_rule::coverage;
             else if (match_rule == "jaccard") mt = sparsey_match_rule::jaccard;
             else throw hebb::Error("SparseyMac: match_rule = '{}': must be 'coverage' or 'jaccard'", match_rule);
             sparsey_storage st;
             if (storage == "automatic") st = sparsey_storage::automatic;
             else if (storage == "dense") st = sparsey_storage::dense;
             else if (storage == "lists") st = sparsey_storage::lists;
             else throw hebb::Error("SparseyMac: storage = '{}': must be 'automatic', 'dense' or 'lists'", storage);
             return sparsey_mac({inputs, modules, units, familiarity_floor, max_gain, gain_exponent,
                                 steepness, midpoint, mt, st, seed});
           }),
           py::arg("inputs"), py::arg("modules") = 16, py::arg("units") = 8,
           py::arg("familiarity_floor") = 0.4, py::arg("max_gain") = 1000.0, py::arg("gain_exponent") = 1.0,
           py::arg("steepness") = 12.0, py::arg("midpoint") = 0.6, py::arg("match_rule") = "coverage",
           py::arg("storage") = "automatic", py::arg("seed") = 1)
      .def_property_readonly("inputs", [](const sparsey_mac& s) { return s.params().inputs; })
      .def_property_readonly("modules", [](const sparsey_mac& s) { return s.params().modules; })
      .def_property_readonly("units", [](const sparsey_mac& s) { return s.params().units; })
      .def_property_readonly("match_rule", [](const sparsey_mac& s) {
        return std::string(s.params().match_rule == sparsey_match_rule::jaccard ? "jaccard" : "coverage");
      })
      .def_property_readonly("stored", &sparsey_mac::stored)
      .def_property_readonly("list_storage", &sparsey_mac::list_storage)
      .def_property_readonly("weight_density", &sparsey_mac::weight_density)
      .def("learn",
           [rows_of](sparsey_mac& s, const carray<std::uint8_t>& x) {
             auto [r, c] = rows_of(s, x, "learn");
             py::array_t<std::uint32_t> out({r, static_cast<py::ssize_t>(s.params().modules)});
             auto* o = out.mutable_data();
             for (py::ssize_t i = 0; i < r; ++i) {
               auto code = s.learn(sparsey_mac::active_of({x.data() + i * c, static_cast<std::size_t>(c)}));
               std::copy(code.begin(), code.end(), o + i * s.params().modules);
             }
             return x.ndim() == 1 ? py::array(out[py::int_(0)]) : py::array(out);
           },
           py::arg("x"), "CSA + single-trial learning of each row (0/1 inputs); returns the codes")
      .def("recall",
           [rows_of](const sparsey_mac& s, const carray<std::uint8_t>& x) {
             auto [r, c] = rows_of(s, x, "recall");
             py::array_t<std::uint32_t> out({r, static_cast<py::ssize_t>(s.params().modules)});
             auto* o = out.mutable_data();
             for (py::ssize_t i = 0; i < r; ++i) {
               auto code = s.recall(sparsey_mac::active_of({x.data() + i * c, static_cast<std::size_t>(c)}));
               std::copy(code.begin(), code.end(), o + i * s.params().modules);
             }
             return x.ndim() == 1 ? py::array(out[py::int_(0)]) : py::array(out);
           },
           py::arg("x"))
      .def("sample",
           [rows_of](const sparsey_mac& s, const carray<std::uint8_t>& x, std::uint64_t entity) {
             auto [r, c] = rows_of(s, x, "sample");
             py::array_t<std::uint32_t> out({r, static_cast<py::ssize_t>(s.params().modules)});
             auto* o = out.mutable_data();
             for (py::ssize_t i = 0; i < r; ++i) {
               auto code = s.sample(sparsey_mac::active_of({x.data() + i * c, static_cast<std::size_t>(c)}),
                                    entity + static_cast<std::uint64_t>(i));
               std::copy(code.begin(), code.end(), o + i * s.params().modules);
             }
             return x.ndim() == 1 ? py::array(out[py::int_(0)]) : py::array(out);
           },
           py::arg("x"), py::arg("entity") = 0, "CSA draws without learning (row i uses entity + i)")
      .def("familiarity",
           [rows_of](const sparsey_mac& s, const carray<std::uint8_t>& x) {
             auto [r, c] = rows_of(s, x, "familiarity");
             py::array_t<double> out(r);
             for (py::ssize_t i = 0; i < r; ++i)
               out.mutable_data()[i] = s.familiarity(sparsey_mac::active_of({x.data() + i * c, static_cast<std::size_t>(c)}));
             return x.ndim() == 1 ? py::object(py::float_(out.data()[0])) : py::object(out);
           },
           py::arg("x"))
      .def("match",
           [rows_of](const sparsey_mac& s, const carray<std::uint8_t>& x) {
             auto [r, c] = rows_of(s, x, "match");
             if (r != 1) throw hebb::Error("SparseyMac.match: one input at a time");
             return to_numpy(s.match(sparsey_mac::active_of({x.data(), static_cast<std::size_t>(c)})));
           })
      .def("probabilities",
           [rows_of](const sparsey_mac& s, const carray<std::uint8_t>& x) {
             auto [r, c] = rows_of(s, x, "probabilities");
             if (r != 1) throw hebb::Error("SparseyMac.probabilities: one input at a time");
             return to_numpy(s.probabilities(sparsey_mac::active_of({x.data(), static_cast<std::size_t>(c)})));
           });
}
