// Bindings of the learn part. Tensors cross without copies (Debian's libtorch and
// python3-torch are one library); Python must `import torch` before `hebb._learn`
// (python/hebb/learn.py does). The nn.Module classes users see are in learn.py.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>
#include <torch/extension.h>

#include <hebb/learn/dcls.hpp>
#include <hebb/learn/elm.hpp>
#include <hebb/learn/hlop.hpp>
#include <hebb/learn/homeostatic.hpp>
#include <hebb/learn/langevin.hpp>
#include <hebb/learn/lif.hpp>
#include <hebb/learn/spike_linear.hpp>

#include "common.hpp"

namespace py = pybind11;
using namespace hebb::learn;

PYBIND11_MODULE(_learn, m) {
  m.doc() = "hebb learn: fused spiking layers, DCLS delays, ELM, HLOP, homeostatic regulator, "
            "Langevin latent dynamics";
  hebb::py_common::register_errors();

  m.def("surrogate_names", &surrogate_names);
  m.def("reset_names", &reset_names);
  m.def(
      "lif_sequence",
      [](const at::Tensor& input, const at::Tensor& alpha, const at::Tensor& beta,
         const at::Tensor& theta, const at::Tensor& v_reset, const at::Tensor& b_adapt,
         const at::Tensor& rho, const std::string& sg, double slope, const std::string& reset,
         bool detach_reset, bool spiking, bool adaptive, bool decay_input) {
        lif_options o{parse_surrogate(sg), slope, parse_reset(reset), detach_reset, spiking,
                      adaptive, decay_input};
        auto r = lif_sequence(input, {alpha, beta, theta, v_reset, b_adapt, rho}, o);
        return py::make_tuple(r[0], r[1], r[2]);
      },
      py::arg("input"), py::arg("alpha"), py::arg("beta"), py::arg("theta"), py::arg("v_reset"),
      py::arg("b_adapt"), py::arg("rho"), py::arg("surrogate") = "fast_sigmoid",
      py::arg("slope") = 25.0, py::arg("reset") = "subtract", py::arg("detach_reset") = false,
      py::arg("spiking") = true, py::arg("adaptive") = false, py::arg("decay_input") = false,
      "fused LIF/ALIF over [T, B, N] input current; returns (spikes, membrane, current)");
  m.def(
      "spike_linear",
      [](const at::Tensor& x, const at::Tensor& w, const std::optional<at::Tensor>& b) {
        return spike_linear(x, w, b ? *b : at::Tensor());
      },
      py::arg("x"), py::arg("weight"), py::arg("bias") = py::none(),
      "x W^T + b from the nonzero entries of x (sparse spike input)");
  m.def("surrogate_grad", [](const std::string& sg, double z, double a) {
    return surrogate_grad(parse_surrogate(sg), z, a);
  });

  m.def("dcls_kernel", &dcls_kernel, py::arg("weight"), py::arg("pos"), py::arg("sigma"),
        py::arg("kernel_size"));
  m.def("dcls_forward", &dcls_forward, py::arg("x"), py::arg("weight"), py::arg("pos"),
        py::arg("sigma"), py::arg("kernel_size"));
  m.def("delay_forward", &delay_forward, py::arg("x"), py::arg("weight"), py::arg("delay_steps"));
  m.def("dcls_sigma", &dcls_sigma, py::arg("epoch"), py::arg("epochs"), py::arg("sigma0") = 12.0,
        py::arg("sigma1") = 0.23, py::arg("fraction") = 0.25);
  m.def(
      "export_delays",
      [](const at::Tensor& w, const at::Tensor& pos, double dt, int offset, double min_abs,
         const std::string& from, const std::string& to, const std::string& receptor) {
        auto p = export_delays(w, pos, dt, offset, min_abs);
        py::dict d;
        d["sources"] = py::array(py::cast(p.sources));
        d["targets"] = py::array(py::cast(p.targets));
        d["weights"] = py::array(py::cast(p.weights));
        d["delays_ms"] = py::array(py::cast(p.delays_ms));
        d["dt"] = p.dt;
        d["toml"] = to_toml(p, from, to, receptor);
        return d;
      },
      py::arg("weight"), py::arg("pos"), py::arg("dt"), py::arg("offset_steps") = 1,
      py::arg("min_abs_weight") = 0.0, py::arg("source") = "input", py::arg("target") = "hidden",
      py::arg("receptor") = "exc");

  m.def(
      "langevin_sequence",
      [](const at::Tensor& z0, const at::Tensor& v0, const at::Tensor& forcing,
         const at::Tensor& noise, const at::Tensor& gamma, const at::Tensor& k,
         const at::Tensor& coupling, const at::Tensor& sigma, double dt) {
        auto r = langevin_sequence(z0, v0, forcing, noise, {gamma, k, coupling, sigma}, {dt});
        return py::make_tuple(r[0], r[1]);
      },
      py::arg("z0"), py::arg("v0"), py::arg("forcing"), py::arg("noise"), py::arg("gamma"),
      py::arg("k"), py::arg("coupling"), py::arg("sigma"), py::arg("dt"),
      "fused BAOAB Langevin latent dynamics over [T, B, D] forcing and noise; returns (z, v)");
  m.def(
      "langevin_noise",
      [](std::int64_t T, std::int64_t B, std::int64_t D, std::uint64_t seed, bool dbl) {
        return langevin_noise(T, B, D, seed, dbl ? at::kDouble : at::kFloat);
      },
      py::arg("T"), py::arg("B"), py::arg("D"), py::arg("seed"), py::arg("double") = false,
      "standard normal noise [T, B, D] keyed by (seed, step, batch, dimension)");

  py::class_<elm_params>(m, "ElmParams")
      .def(py::init<>())
      .def_readwrite("n_syn", &elm_params::n_syn)
      .def_readwrite("n_branch", &elm_params::n_branch)
      .def_readwrite("d_m", &elm_params::d_m)
      .def_readwrite("mlp_hidden", &elm_params::mlp_hidden)
      .def_readwrite("n_out", &elm_params::n_out)
      .def_readwrite("tau_s", &elm_params::tau_s)
      .def_readwrite("tau_m_min", &elm_params::tau_m_min)
      .def_readwrite("tau_m_max", &elm_params::tau_m_max)
      .def_readwrite("lambda_", &elm_params::lambda)
      .def("hidden", &elm_params::hidden)
      .def("parameter_count", &elm_params::parameter_count)
      .def("validate", &elm_params::validate);
  static const char* elm_names[] = {"w_syn_raw", "w1", "b1", "w2", "b2", "wy", "by", "kappa_s", "kappa_m"};
  m.def(
      "elm_init",
      [](const elm_params& p, std::uint64_t seed, bool dbl) {
        auto w = elm_init(p, seed, dbl ? at::kDouble : at::kFloat);
        const at::Tensor* t[] = {&w.w_syn_raw, &w.w1, &w.b1, &w.w2, &w.b2, &w.wy, &w.by, &w.kappa_s, &w.kappa_m};
        py::dict d;
        for (int k = 0; k < 9; ++k) d[elm_names[k]] = *t[k];
        return d;
      },
      py::arg("params"), py::arg("seed"), py::arg("double") = false);
  m.def(
      "elm_forward",
      [](const at::Tensor& x, const py::dict& d, const elm_params& p,
         const std::optional<at::Tensor>& m0) {
        elm_weights w;
        at::Tensor* t[] = {&w.w_syn_raw, &w.w1, &w.b1, &w.w2, &w.b2, &w.wy, &w.by, &w.kappa_s, &w.kappa_m};
        for (int k = 0; k < 9; ++k) {
          if (!d.contains(elm_names[k])) throw hebb::Error("elm_forward: weight '{}' is missing", elm_names[k]);
          *t[k] = d[elm_names[k]].cast<at::Tensor>();
        }
        auto r = elm_forward(x, w, p, m0 ? *m0 : at::Tensor());
        return py::make_tuple(r[0], r[1]);
      },
      py::arg("x"), py::arg("weights"), py::arg("params"), py::arg("m0") = py::none());

  py::class_<hlop_params>(m, "HlopParams")
      .def(py::init<>())
      .def_readwrite("n", &hlop_params::n)
      .def_readwrite("lr", &hlop_params::lr)
      .def_readwrite("momentum", &hlop_params::momentum)
      .def_readwrite("init_scale", &hlop_params::init_scale);
  py::class_<hlop>(m, "Hlop")
      .def(py::init<const hlop_params&, std::uint64_t>(), py::arg("params"), py::arg("seed"))
      .def("add_block", &hlop::add_block)
      .def("hebbian_update", &hlop::hebbian_update)
      .def("fit", &hlop::fit, py::arg("x"), py::arg("epochs") = 1, py::arg("batch") = 32)
      .def("project", &hlop::project)
      .def("project_input", &hlop::project_input)
      .def("set_weight", &hlop::set_weight)
      .def_property_readonly("weight", &hlop::weight)
      .def_property_readonly("frozen_rows", &hlop::frozen_rows)
      .def_property_readonly("rows", &hlop::rows);

  py::class_<homeostatic_params>(m, "HomeostaticParams")
      .def(py::init<>())
      .def_readwrite("eta0", &homeostatic_params::eta0)
      .def_readwrite("rho", &homeostatic_params::rho)
      .def_readwrite("first_excitatory", &homeostatic_params::first_excitatory)
      .def_readwrite("band_lo", &homeostatic_params::band_lo)
      .def_readwrite("band_hi", &homeostatic_params::band_hi)
      .def_readwrite("guard_band", &homeostatic_params::guard_band);
  py::class_<homeostatic_lr>(m, "HomeostaticRegulator")
      .def(py::init<const homeostatic_params&>())
      .def("proposal", &homeostatic_lr::proposal, py::arg("cls"))
      .def("offer", &homeostatic_lr::offer, py::arg("predicted"), py::arg("truth"),
           py::arg("score_leave"), py::arg("score_take"))
      .def("excitatory", &homeostatic_lr::excitatory, py::arg("cls"))
      .def_property_readonly("lr", &homeostatic_lr::lr)
      .def_property_readonly("viable", &homeostatic_lr::viable)
      .def_property_readonly("viable_fraction", &homeostatic_lr::viable_fraction)
      .def_property_readonly("offers", &homeostatic_lr::offers)
      .def_property_readonly("taken", &homeostatic_lr::taken);
}
