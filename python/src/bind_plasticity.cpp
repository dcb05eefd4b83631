// Bindings of the plasticity part that work on arrays: readout learning (gated LMS,
// RLS/FORCE) on recorded activity. The rules that act on a network's projections are
// used through hebb.Network (set_plasticity, connect(plasticity=...)), which is _sim.
#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <hebb/plasticity/readout.hpp>

#include "common.hpp"

namespace py = pybind11;
using namespace hebb::plasticity;

namespace {

std::vector<double> gate_of(const std::optional<std::vector<double>>& g) { return g ? *g : std::vector<double>{}; }

template <class M, class C>
void readout_methods(C& c) {
  c.def("train",
        [](M& m, const row_matrix& R, const row_matrix& Y, const std::optional<std::vector<double>>& gate) {
          const auto g = gate_of(gate);
          py::gil_scoped_release release;
          return m.train(R, Y, g);
        },
        py::arg("rates"), py::arg("targets"), py::arg("gate") = py::none())
      .def("predict", &M::predict, py::arg("rates"))
      .def_property(
          "weights", [](M& m) { return row_matrix(m.weights()); },
          [](M& m, const row_matrix& w) {
            if (w.rows() != m.weights().rows() || w.cols() != m.weights().cols())
              throw hebb::Error("weights: shape ({}, {}), need ({}, {}) (outputs x inputs)", w.rows(), w.cols(),
                                m.weights().rows(), m.weights().cols());
            m.weights() = w;
          });
}

}  // namespace

PYBIND11_MODULE(_plasticity, m) {
  hebb::py_common::register_errors();
  m.doc() = "hebb plasticity: readout learning on recorded activity";

  py::class_<lms_readout> lms(m, "LmsReadout");
  lms.def(py::init([](std::size_t n_in, std::size_t n_out, double eta) {
            return lms_readout(n_in, n_out, {.eta = eta});
          }),
          py::arg("n_in"), py::arg("n_out"), py::arg("eta") = 1e-3)
      .def_property_readonly("eta", [](const lms_readout& r) { return r.parameters().eta; });
  readout_methods<lms_readout>(lms);

  py::class_<rls_readout> rls(m, "RlsReadout");
  rls.def(py::init([](std::size_t n_in, std::size_t n_out, double alpha, double forgetting) {
            return rls_readout(n_in, n_out, {.alpha = alpha, .forgetting = forgetting});
          }),
          py::arg("n_in"), py::arg("n_out"), py::arg("alpha") = 1.0, py::arg("forgetting") = 1.0)
      .def_property_readonly("last_gain", &rls_readout::last_gain)
      .def_property_readonly("updates", &rls_readout::updates)
      .def_property_readonly("P", [](const rls_readout& r) { return Eigen::MatrixXd(r.inverse_correlation()); });
  readout_methods<rls_readout>(rls);
}
