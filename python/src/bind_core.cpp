// Bindings of the core part: the counter-based RNG (for users who want hebb's
// streams in their own scripts) and the error type.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <hebb/core/rng.hpp>

#include "common.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_core, m) {
  m.doc() = "hebb core: counter-based random numbers";
  hebb::py_common::register_errors();
  m.def(
      "uniform",
      [](std::uint64_t seed, std::uint64_t entity, std::uint64_t step, std::size_t n) {
        py::array_t<double> out(static_cast<py::ssize_t>(n));
        auto o = out.mutable_unchecked<1>();
        hebb::counter_rng r(seed, hebb::stream::experiment, entity, step);
        for (std::size_t i = 0; i < n; ++i) o(static_cast<py::ssize_t>(i)) = r.uniform53();
        return out;
      },
      py::arg("seed"), py::arg("entity"), py::arg("step") = 0, py::arg("n") = 1,
      "n uniform numbers on (0,1) from Philox keyed by (seed, experiment stream, entity, step)");
  m.def(
      "closest_name",
      [](const std::string& name, const std::vector<std::string>& c) {
        return hebb::closest_name(name, c);
      },
      "the candidate nearest to name by edit distance");
  m.def(
      "check_error", [](const std::string& msg) { throw hebb::Error(msg); },
      "raise hebb::Error(msg) from C++ (shows the ValueError translation)");
}
