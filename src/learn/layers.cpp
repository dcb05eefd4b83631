// torch::nn modules of the fused spiking layers (include/hebb/learn/layers.hpp).
#include <hebb/learn/layers.hpp>

#include <cmath>

#include <hebb/core/rng.hpp>
#include <hebb/learn/spike_linear.hpp>

namespace hebb::learn {

namespace {
constexpr double tau_min = 0.01, theta_min = 1e-3;
double inv_softplus(double y) { return y + std::log(-std::expm1(-y)); }
at::Tensor sp(const at::Tensor& x) { return at::softplus(x); }
}  // namespace

void lif_layer_options::validate() const {
  require(in >= 1, "lif_layer.in", static_cast<double>(in), ">= 1");
  require(out >= 1, "lif_layer.out", static_cast<double>(out), ">= 1");
  require(dt > 0, "lif_layer.dt", dt, "> 0 ms");
  require(tau_mem > tau_min, "lif_layer.tau_mem", tau_mem, "> 0.01 ms");
  require(tau_syn == 0 || tau_syn > tau_min, "lif_layer.tau_syn", tau_syn, "0 (none) or > 0.01 ms");
  require(threshold > theta_min, "lif_layer.threshold", threshold, "> 0.001");
  require(tau_adapt > tau_min, "lif_layer.tau_adapt", tau_adapt, "> 0.01 ms");
  dynamics.validate();
}

lif_layerImpl::lif_layerImpl(const lif_layer_options& o) : o_(o) {
  o_.validate();
  // uniform(+-1/sqrt(in)) like torch.nn.Linear, drawn from hebb's counter RNG
  auto w = at::empty({o.out, o.in}, at::kFloat);
  const double bound = 1.0 / std::sqrt(static_cast<double>(o.in));
  float* wp = w.data_ptr<float>();
  for (std::int64_t r = 0; r < o.out; ++r) {
    counter_rng g(o.seed, stream::learn, static_cast<std::uint64_t>(r));
    for (std::int64_t c = 0; c < o.in; ++c) wp[r * o.in + c] = static_cast<float>(g.uniform(-bound, bound));
  }
  weight = register_parameter("weight", w);
  if (o.bias) {
    auto b = at::empty({o.out}, at::kFloat);
    counter_rng g(o.seed, stream::learn, static_cast<std::uint64_t>(o.out) + (1ull << 40));
    for (std::int64_t r = 0; r < o.out; ++r) b[r] = g.uniform(-bound, bound);
    bias = register_parameter("bias", b);
  }
  auto add = [&](const char* name, double v) {
    auto t = at::full({o.out}, v, at::kFloat);
    return o.learn_intrinsic ? register_parameter(name, t) : register_buffer(name, t);
  };
  raw_tau_mem = add("raw_tau_mem", inv_softplus(o.tau_mem - tau_min));
  if (o.tau_syn > 0) raw_tau_syn = add("raw_tau_syn", inv_softplus(o.tau_syn - tau_min));
  raw_threshold = add("raw_threshold", inv_softplus(o.threshold - theta_min));
  v_reset = add("v_reset", o.v_reset);
  if (o.dynamics.adaptive) {
    raw_tau_adapt = add("raw_tau_adapt", inv_softplus(o.tau_adapt - tau_min));
    b_adapt = add("b_adapt", o.b_adapt);
  }
}

lif_coeffs lif_layerImpl::coefficients() const {
  lif_coeffs c;
  c.beta = at::exp(-o_.dt / (tau_min + sp(raw_tau_mem)));
  c.alpha = raw_tau_syn.defined() ? at::exp(-o_.dt / (tau_min + sp(raw_tau_syn)))
                                  : at::zeros_like(c.beta);
  c.theta = theta_min + sp(raw_threshold);
  c.v_reset = v_reset;
  if (o_.dynamics.adaptive) {
    c.rho = at::exp(-o_.dt / (tau_min + sp(raw_tau_adapt)));
    c.b_adapt = b_adapt;
  }
  return c;
}

at::Tensor lif_layerImpl::forward(const at::Tensor& x) {
  if (x.dim() != 3 || x.size(2) != o_.in)
    throw Error("lif_layer: input has shape [{}]; expected [T, B, {}]", fmt::join(x.sizes(), ", "),
                o_.in);
  const auto T = x.size(0), B = x.size(1);
  at::Tensor cur;
  if (o_.sparse_input) {
    cur = spike_linear(x.reshape({T * B, o_.in}), weight, bias);
  } else {
    cur = at::matmul(x.reshape({T * B, o_.in}), weight.t());
    if (bias.defined()) cur = cur + bias;
  }
  last = lif_sequence(cur.reshape({T, B, o_.out}), coefficients(), o_.dynamics);
  return o_.dynamics.spiking ? last[0] : last[1];
}

}  // namespace hebb::learn
