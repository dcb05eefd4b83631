// Bindings of the analysis part: numpy in, numpy out. Only type conversion here;
// the maths and the checks live in C++ (include/hebb/analysis/).
#include <optional>
#include <string>
#include <tuple>

#include <pybind11/eigen.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <hebb/analysis/branching_factor.hpp>
#include <hebb/analysis/functional_connectome.hpp>
#include <hebb/analysis/geo_topology.hpp>
#include <hebb/analysis/hmm_glm.hpp>
#include <hebb/analysis/lempel_ziv.hpp>
#include <hebb/analysis/lorenz_data.hpp>
#include <hebb/analysis/nlb_metrics.hpp>
#include <hebb/analysis/nonnegative_cp.hpp>
#include <hebb/analysis/onehot_hmm_glm.hpp>
#include <hebb/analysis/rdm.hpp>
#include <hebb/analysis/spike_binning.hpp>
#include <hebb/analysis/suffix_array.hpp>
#include <hebb/analysis/threshold_classifier.hpp>

#include "common.hpp"

namespace py = pybind11;
namespace ha = hebb::analysis;

namespace {

template <class T>
using carray = py::array_t<T, py::array::c_style | py::array::forcecast>;

template <class T>
std::span<const T> view(const carray<T>& a) {
  if (a.ndim() != 1) throw hebb::Error("expected a 1-D array, got {} dimensions", a.ndim());
  return {a.data(), static_cast<std::size_t>(a.size())};
}

template <class T>
py::array_t<T> to_numpy(const std::vector<T>& v) {
  py::array_t<T> out(static_cast<py::ssize_t>(v.size()));
  std::copy(v.begin(), v.end(), out.mutable_data());
  return out;
}

using cref = Eigen::Ref<const ha::matrix>;

}  // namespace

PYBIND11_MODULE(_analysis, m) {
  m.doc() =
      "hebb analysis: Lempel-Ziv complexity, NLB metrics, branching factor, HMM-GLM (Gaussian and one-hot "
      "priors), RDMs and geo-topological transforms, differential affinities and non-negative CP";
  hebb::py_common::register_errors();

  // --- Lempel-Ziv
  m.def(
      "lz76_complexity",
      [](py::array s, const std::string& method) -> std::size_t {
        if (s.ndim() != 1) throw hebb::Error("lz76_complexity: symbols must be 1-D, got {} dimensions", s.ndim());
        ha::lz76_method how = ha::lz76_method::automatic;
        if (method == "packed")
          how = ha::lz76_method::packed;
        else if (method == "suffix_array")
          how = ha::lz76_method::suffix_array;
        else if (method != "auto")
          throw hebb::Error("lz76_complexity: method = '{}': must be 'auto', 'packed' or 'suffix_array'", method);
        if (py::isinstance<py::array_t<std::uint8_t>>(s) || py::isinstance<py::array_t<bool>>(s)) {
          auto a = carray<std::uint8_t>::ensure(s);
          py::gil_scoped_release nogil;
          return ha::lz76_complexity(std::span<const std::uint8_t>(a.data(), static_cast<std::size_t>(a.size())), how);
        }
        if (s.dtype().kind() == 'f') throw hebb::Error("lz76_complexity: symbols must be integers, got dtype float");
        auto a = carray<std::int64_t>::ensure(s);
        py::gil_scoped_release nogil;
        return ha::lz76_complexity(view(a), how);
      },
      py::arg("symbols"), py::arg("method") = "auto",
      "LZ76 complexity C(n) (number of Kaspar-Schuster phrases), linear time");
  m.def(
      "lz76_complexity_quadratic",
      [](const carray<std::int64_t>& s) { return ha::lz76_complexity_quadratic(view(s)); },
      py::arg("symbols"), "the textbook Kaspar-Schuster scan (reference, O(n^2))");
  m.def(
      "lz76_phrases", [](const carray<std::int64_t>& s) { return to_numpy(ha::lz76_phrases(view(s))); },
      py::arg("symbols"), "start positions of the LZ76 phrases");
  m.def("lz76_normalized", &ha::lz76_normalized, py::arg("complexity"), py::arg("n"), py::arg("alphabet"),
        "C * log(n) / (n * log(alphabet))");
  m.def(
      "alphabet_size", [](const carray<std::int64_t>& s) { return ha::alphabet_size(view(s)); },
      py::arg("symbols"));
  m.def(
      "suffix_array",
      [](const carray<std::int32_t>& s, std::int32_t alphabet) {
        return to_numpy(ha::suffix_array(view(s), alphabet));
      },
      py::arg("symbols"), py::arg("alphabet"));

  // --- binning
  m.def(
      "bin_spikes",
      [](const carray<double>& t, double t_start, double t_stop, double bin) {
        return to_numpy(ha::bin_spikes(view(t), {t_start, t_stop, bin}));
      },
      py::arg("times"), py::arg("t_start"), py::arg("t_stop"), py::arg("bin"));
  m.def(
      "binary_train",
      [](const carray<double>& t, double t_start, double t_stop, double bin) {
        return to_numpy(ha::binary_train(view(t), {t_start, t_stop, bin}));
      },
      py::arg("times"), py::arg("t_start"), py::arg("t_stop"), py::arg("bin"));
  m.def(
      "bin_population",
      [](const carray<double>& t, const carray<std::int64_t>& s, std::size_t n, double t_start, double t_stop,
         double bin) { return ha::bin_population(view(t), view(s), n, {t_start, t_stop, bin}); },
      py::arg("times"), py::arg("senders"), py::arg("n_neurons"), py::arg("t_start"), py::arg("t_stop"),
      py::arg("bin"));

  // --- threshold classifier
  py::class_<ha::threshold_classifier>(m, "ThresholdClassifier")
      .def(py::init<>())
      .def_readwrite("threshold", &ha::threshold_classifier::threshold)
      .def_readwrite("sign", &ha::threshold_classifier::sign)
      .def_static(
          "fit",
          [](const carray<double>& x, const carray<std::int64_t>& y) {
            return ha::threshold_classifier::fit(view(x), view(y));
          },
          py::arg("x"), py::arg("labels"))
      .def(
          "predict",
          [](const ha::threshold_classifier& c, const carray<double>& x) {
            py::array_t<std::int64_t> out(x.size());
            for (py::ssize_t i = 0; i < x.size(); ++i) out.mutable_data()[i] = c.predict(x.data()[i]);
            return out;
          },
          py::arg("x"))
      .def(
          "accuracy",
          [](const ha::threshold_classifier& c, const carray<double>& x, const carray<std::int64_t>& y) {
            return c.accuracy(view(x), view(y));
          },
          py::arg("x"), py::arg("labels"))
      .def("__repr__", [](const ha::threshold_classifier& c) {
        return fmt::format("ThresholdClassifier(threshold={}, sign={})", c.threshold, c.sign);
      });

  // --- NLB metrics
  m.def("poisson_nll", [](cref r, cref y) { return ha::poisson_nll(r, y); }, py::arg("rates"), py::arg("counts"));
  m.def("bits_per_spike", [](cref r, cref y) { return ha::bits_per_spike(r, y); }, py::arg("rates"),
        py::arg("counts"));
  m.def("null_rates", [](cref y) { return ha::null_rates(y); }, py::arg("counts"));
  m.def("smooth_trials", [](cref y, std::size_t T, double sd) { return ha::smooth_trials(y, T, sd); },
        py::arg("counts"), py::arg("trial_length"), py::arg("sd_bins"));
  m.def(
      "co_smoothing",
      [](cref hi_tr, cref ho_tr, cref hi_ev, cref ho_ev, std::size_t T, double kernel_sd, double bin,
         double alpha, int max_iter, double tol) {
        const ha::co_smoothing_params p{kernel_sd, bin, alpha, max_iter, tol};
        auto r = ha::co_smoothing(hi_tr, ho_tr, hi_ev, ho_ev, T, p);
        return py::make_tuple(r.rates, r.weights, r.co_bps);
      },
      py::arg("heldin_train"), py::arg("heldout_train"), py::arg("heldin_eval"), py::arg("heldout_eval"),
      py::arg("trial_length"), py::arg("kernel_sd") = 50.0, py::arg("bin") = 5.0, py::arg("alpha") = 0.0,
      py::arg("max_iter") = 100, py::arg("tol") = 1e-9);
  m.def(
      "psth",
      [](cref y, std::size_t T, const carray<std::int64_t>& c) { return ha::psth(y, T, view(c)); },
      py::arg("counts"), py::arg("trial_length"), py::arg("conditions"));
  m.def("psth_r2", [](cref a, cref b) { return ha::psth_r2(a, b); }, py::arg("true_psth"), py::arg("pred_psth"));

  // --- Lorenz data
  m.def(
      "make_lorenz_data",
      [](std::size_t n_trials, std::size_t trial_length, std::size_t n_neurons, double bin, double base_rate,
         double gain, double dt, std::size_t steps_per_bin, std::uint64_t seed) {
        ha::lorenz_params p;
        p.n_trials = n_trials;
        p.trial_length = trial_length;
        p.n_neurons = n_neurons;
        p.bin = bin;
        p.base_rate = base_rate;
        p.gain = gain;
        p.dt = dt;
        p.steps_per_bin = steps_per_bin;
        p.seed = seed;
        auto d = ha::make_lorenz_data(p);
        py::dict out;
        out["counts"] = d.counts;
        out["rates"] = d.rates;
        out["latents"] = d.latents;
        out["readout"] = d.readout;
        return out;
      },
      py::arg("n_trials") = 100, py::arg("trial_length") = 50, py::arg("n_neurons") = 30, py::arg("bin") = 10.0,
      py::arg("base_rate") = 20.0, py::arg("gain") = 1.0, py::arg("dt") = 0.01, py::arg("steps_per_bin") = 1,
      py::arg("seed") = 1);

  // --- branching factor
  m.def(
      "branching_factor",
      [](const carray<double>& t, const carray<std::int64_t>& s, std::size_t n, double t_start, double t_stop,
         double window, double dt, std::optional<carray<std::int64_t>> offsets,
         std::optional<carray<std::int64_t>> targets) {
        if (offsets.has_value() != targets.has_value())
          throw hebb::Error("branching_factor: give both offsets and targets (CSR by source) or neither");
        std::optional<ha::connectivity> conn;
        if (offsets) conn = ha::connectivity{view(*offsets), view(*targets)};
        auto r = ha::branching_factor(view(t), view(s), n, {window, dt, t_start, t_stop}, conn);
        return py::make_tuple(r.mean, to_numpy(r.per_neuron), to_numpy(r.events));
      },
      py::arg("times"), py::arg("senders"), py::arg("n_neurons"), py::arg("t_start"), py::arg("t_stop"),
      py::arg("window") = 4.0, py::arg("dt") = 1.0, py::arg("offsets") = py::none(),
      py::arg("targets") = py::none());

  // --- HMM-GLM
  py::class_<ha::hmm_glm_model>(m, "HmmGlmModel")
      .def(py::init<>())
      .def_readwrite("initial", &ha::hmm_glm_model::initial)
      .def_readwrite("transition", &ha::hmm_glm_model::transition)
      .def_readwrite("bias", &ha::hmm_glm_model::bias)
      .def_readwrite("weights", &ha::hmm_glm_model::weights)
      .def_readwrite("basis", &ha::hmm_glm_model::basis)
      .def_property_readonly("n_states", &ha::hmm_glm_model::n_states);
  m.def(
      "fit_hmm_glm",
      [](cref y, std::size_t n_states, std::vector<double> basis, double prior_sd, double init_stay, int max_iter,
         double tol, int fisher_steps, int restarts, bool require_convergence, std::uint64_t seed) {
        ha::hmm_glm_params p;
        p.n_states = n_states;
        p.basis = std::move(basis);
        p.prior_sd = prior_sd;
        p.init_stay = init_stay;
        p.max_iter = max_iter;
        p.tol = tol;
        p.fisher_steps = fisher_steps;
        p.restarts = restarts;
        p.require_convergence = require_convergence;
        p.seed = seed;
        ha::hmm_glm_fit f;
        {
          py::gil_scoped_release nogil;
          f = ha::fit_hmm_glm(y, p);
        }
        return py::make_tuple(f.model, f.posterior, f.log_likelihood, f.iterations, f.converged);
      },
      py::arg("counts"), py::arg("n_states") = 3, py::arg("basis") = std::vector<double>{1.0, 0.5, 0.25},
      py::arg("prior_sd") = 1.0, py::arg("init_stay") = 0.9, py::arg("max_iter") = 200, py::arg("tol") = 1e-6,
      py::arg("fisher_steps") = 3, py::arg("restarts") = 3, py::arg("require_convergence") = true,
      py::arg("seed") = 1);
  m.def(
      "hmm_glm_em_step",
      [](const ha::hmm_glm_model& md, cref y, double prior_sd, int fisher_steps) {
        ha::hmm_glm_params p;
        p.n_states = md.n_states();
        p.basis = md.basis;
        p.prior_sd = prior_sd;
        p.fisher_steps = fisher_steps;
        ha::hmm_glm_model out = md;
        double ll;
        {
          py::gil_scoped_release nogil;
          ll = ha::hmm_glm_em_step(out, y, p);
        }
        return py::make_tuple(out, ll);
      },
      py::arg("model"), py::arg("counts"), py::arg("prior_sd") = 1.0, py::arg("fisher_steps") = 3,
      "one EM iteration: (updated model, log-likelihood before the step)");
  m.def("emission_log_likelihood", [](const ha::hmm_glm_model& md, cref y) { return ha::emission_log_likelihood(md, y); },
        py::arg("model"), py::arg("counts"));
  m.def(
      "forward_backward",
      [](const Eigen::VectorXd& lpi, const ha::matrix& la, cref le) {
        auto r = ha::forward_backward(lpi, la, le);
        return py::make_tuple(r.posterior, r.transitions, r.log_likelihood);
      },
      py::arg("log_initial"), py::arg("log_transition"), py::arg("log_emission"));
  m.def(
      "viterbi",
      [](const Eigen::VectorXd& lpi, const ha::matrix& la, cref le) { return to_numpy(ha::viterbi(lpi, la, le)); },
      py::arg("log_initial"), py::arg("log_transition"), py::arg("log_emission"));
  m.def("hmm_glm_log_likelihood", [](const ha::hmm_glm_model& md, cref y) { return ha::hmm_glm_log_likelihood(md, y); },
        py::arg("model"), py::arg("counts"));
  m.def(
      "sample_hmm_glm",
      [](const ha::hmm_glm_model& md, std::size_t n_bins, std::uint64_t seed) {
        auto s = ha::sample_hmm_glm(md, n_bins, seed);
        return py::make_tuple(s.counts, to_numpy(s.states));
      },
      py::arg("model"), py::arg("n_bins"), py::arg("seed"));

  // --- one-hot HMM-GLM
  m.def(
      "fit_onehot_hmm_glm",
      [](cref y, std::size_t n_states, std::vector<double> basis, const std::string& method, double strength_sd,
         double tau, double learning_rate, int adam_steps, double min_strength, int type_iter, int max_iter,
         double tol, int fisher_steps, int restarts, double init_prior_sd, bool require_convergence,
         std::uint64_t seed) {
        ha::onehot_hmm_glm_params p;
        if (method == "laplace")
          p.method = ha::onehot_method::laplace;
        else if (method == "gumbel_softmax")
          p.method = ha::onehot_method::gumbel_softmax;
        else
          throw hebb::Error("fit_onehot_hmm_glm: method = '{}': must be 'laplace' or 'gumbel_softmax'", method);
        p.n_states = n_states;
        p.basis = std::move(basis);
        p.strength_sd = strength_sd;
        p.tau = tau;
        p.learning_rate = learning_rate;
        p.adam_steps = adam_steps;
        p.min_strength = min_strength;
        p.type_iter = type_iter;
        p.max_iter = max_iter;
        p.tol = tol;
        p.fisher_steps = fisher_steps;
        p.restarts = restarts;
        p.init_prior_sd = init_prior_sd;
        p.require_convergence = require_convergence;
        p.seed = seed;
        ha::onehot_hmm_glm_fit f;
        {
          py::gil_scoped_release nogil;
          f = ha::fit_onehot_hmm_glm(y, p);
        }
        const auto K = static_cast<py::ssize_t>(f.types.size());
        const auto N = static_cast<py::ssize_t>(f.model.bias.cols());
        py::array_t<std::int64_t> types({K, N, N});
        py::array_t<double> prob({K, N, N, py::ssize_t{3}}), prior({N, N, py::ssize_t{3}});
        for (py::ssize_t k = 0; k < K; ++k)
          for (py::ssize_t i = 0; i < N; ++i)
            for (py::ssize_t j = 0; j < N; ++j) {
              types.mutable_at(k, i, j) = f.types[static_cast<std::size_t>(k)](i, j);
              for (py::ssize_t c = 0; c < 3; ++c)
                prob.mutable_at(k, i, j, c) = f.type_probability[static_cast<std::size_t>(3 * k + c)](i, j);
            }
        for (py::ssize_t i = 0; i < N; ++i)
          for (py::ssize_t j = 0; j < N; ++j)
            for (py::ssize_t c = 0; c < 3; ++c) prior.mutable_at(i, j, c) = f.prior[static_cast<std::size_t>(c)](i, j);
        py::dict out;
        out["model"] = f.model;
        out["types"] = types;
        out["type_probability"] = prob;
        out["prior"] = prior;
        out["posterior"] = f.posterior;
        out["log_likelihood"] = to_numpy(f.log_likelihood);
        out["type_iterations"] = f.type_iterations;
        out["iterations"] = f.iterations;
        out["converged"] = f.converged;
        return out;
      },
      py::arg("counts"), py::arg("n_states") = 3, py::arg("basis") = std::vector<double>{1.0, 0.5, 0.25},
      py::arg("method") = "laplace", py::arg("strength_sd") = 3.0, py::arg("tau") = 0.5,
      py::arg("learning_rate") = 0.05, py::arg("adam_steps") = 20, py::arg("min_strength") = 0.25,
      py::arg("type_iter") = 5, py::arg("max_iter") = 200, py::arg("tol") = 1e-6, py::arg("fisher_steps") = 3,
      py::arg("restarts") = 3, py::arg("init_prior_sd") = 1.0, py::arg("require_convergence") = true,
      py::arg("seed") = 1);
  m.def(
      "connection_types",
      [](cref w, double threshold) -> Eigen::MatrixXi { return ha::connection_types(w, threshold); },
      py::arg("weights"), py::arg("threshold"));

  // --- RDMs and geo-topological transforms
  m.def(
      "rdm",
      [](cref x, const std::string& metric) {
        if (metric == "euclidean") return ha::rdm(x, ha::rdm_metric::euclidean);
        if (metric == "correlation") return ha::rdm(x, ha::rdm_metric::correlation);
        throw hebb::Error("rdm: metric = '{}': must be 'euclidean' or 'correlation'", metric);
      },
      py::arg("patterns"), py::arg("metric") = "euclidean");
  m.def("rdm_vector", [](cref a) { return to_numpy(ha::rdm_vector(a)); }, py::arg("rdm"));
  m.def("rdm_square", [](const carray<double>& v) { return ha::rdm_square(view(v)); }, py::arg("vector"));
  m.def("rank_transform", [](const carray<double>& v) { return to_numpy(ha::rank_transform(view(v))); },
        py::arg("values"));
  m.def("rank_minmax", [](const carray<double>& v) { return to_numpy(ha::rank_minmax(view(v))); },
        py::arg("values"));
  m.def(
      "rgtm",
      [](const carray<double>& v, double l, double u) { return to_numpy(ha::rgtm(view(v), {l, u})); },
      py::arg("rdm_vector"), py::arg("lower") = 0.2, py::arg("upper") = 0.8);
  m.def(
      "rgdm", [](const carray<double>& v, double p) { return to_numpy(ha::rgdm(view(v), p)); },
      py::arg("rdm_vector"), py::arg("p") = 0.05);
  m.def(
      "pearson", [](const carray<double>& a, const carray<double>& b) { return ha::pearson(view(a), view(b)); },
      py::arg("a"), py::arg("b"));
  m.def(
      "spearman", [](const carray<double>& a, const carray<double>& b) { return ha::spearman(view(a), view(b)); },
      py::arg("a"), py::arg("b"));

  // --- dynamic functional connectome: affinities and non-negative CP
  m.def(
      "differential_affinity",
      [](cref x, std::size_t window, std::size_t step) { return ha::differential_affinity(x, {window, step}); },
      py::arg("traces"), py::arg("window") = 50, py::arg("step") = 25);
  m.def(
      "nonnegative_cp",
      [](const py::array_t<double, py::array::c_style | py::array::forcecast>& x, std::size_t rank, int max_iter,
         double tol, int restarts, bool require_convergence, std::uint64_t seed,
         const std::optional<std::tuple<ha::matrix, ha::matrix, ha::matrix>>& init, double inner_alpha,
         double inner_delta, bool extrapolate) {
        if (x.ndim() != 3) throw hebb::Error("nonnegative_cp: tensor must be 3-D, got {} dimensions", x.ndim());
        ha::cp_params p;
        p.rank = rank;
        p.max_iter = max_iter;
        p.tol = tol;
        p.restarts = restarts;
        p.require_convergence = require_convergence;
        p.seed = seed;
        p.inner_alpha = inner_alpha;
        p.inner_delta = inner_delta;
        p.extrapolate = extrapolate;
        const auto I = static_cast<std::size_t>(x.shape(0)), J = static_cast<std::size_t>(x.shape(1)),
                   K = static_cast<std::size_t>(x.shape(2));
        ha::cp_model f;
        {
          py::gil_scoped_release nogil;
          const std::span<const double> xs(x.data(), I * J * K);
          if (init)
            f = ha::nonnegative_cp(xs, I, J, K, p,
                                   ha::cp_start{std::get<0>(*init), std::get<1>(*init), std::get<2>(*init)});
          else
            f = ha::nonnegative_cp(xs, I, J, K, p);
        }
        py::dict out;
        out["weights"] = f.weights;
        out["factors"] = py::make_tuple(f.a, f.b, f.c);
        out["relative_error"] = f.relative_error;
        out["iterations"] = f.iterations;
        out["converged"] = f.converged;
        return out;
      },
      py::arg("tensor"), py::arg("rank"), py::arg("max_iter") = 1000, py::arg("tol") = 1e-7,
      py::arg("restarts") = 5, py::arg("require_convergence") = true, py::arg("seed") = 1,
      py::arg("init") = py::none(), py::arg("inner_alpha") = 0.5, py::arg("inner_delta") = 0.1,
      py::arg("extrapolate") = true);
}
