// The C++ torch::nn LIF module. Oracles: lif_sequence on hand-built coefficients; a
// training run that must lower the loss; two runs with one seed bit-identical, and a
// different seed different.
#include <gtest/gtest.h>

#include <torch/torch.h>

#include <hebb/learn/layers.hpp>

using namespace hebb::learn;

namespace {
struct net : torch::nn::Module {
  lif_layer hidden{nullptr}, out{nullptr};
  explicit net(std::uint64_t seed) {
    lif_layer_options h;
    h.in = 10;
    h.out = 16;
    h.tau_syn = 5.0;
    h.learn_intrinsic = true;
    h.seed = seed;
    h.dynamics.sg = surrogate::arctan;
    h.dynamics.slope = 2.0;
    hidden = register_module("hidden", lif_layer(h));
    lif_layer_options r = h;
    r.in = 16;
    r.out = 2;
    r.seed = seed + 1;
    r.dynamics.spiking = false;
    out = register_module("out", lif_layer(r));
  }
  at::Tensor forward(const at::Tensor& x) { return out->forward(hidden->forward(x)).sum(0); }
};

// two classes: channels 0-4 or 5-9 carry the higher Poisson rate
std::pair<at::Tensor, at::Tensor> data(std::uint64_t seed) {
  auto g = at::detail::createCPUGenerator(seed);
  auto y = at::randint(0, 2, {64}, g, at::kLong);
  auto p = at::full({64, 10}, 0.05);
  p.narrow(1, 0, 5).masked_fill_((y == 0).unsqueeze(1).expand({64, 5}), 0.3);
  p.narrow(1, 5, 5).masked_fill_((y == 1).unsqueeze(1).expand({64, 5}), 0.3);
  auto x = (at::rand({30, 64, 10}, g) < p).to(at::kFloat);
  return {x, y};
}

at::Tensor train(std::uint64_t seed, std::vector<double>* losses = nullptr) {
  at::set_num_threads(1);
  net n(seed);
  torch::optim::Adam opt(n.parameters(), torch::optim::AdamOptions(1e-2));
  auto [x, y] = data(5);
  for (int it = 0; it < 40; ++it) {
    auto loss = torch::nn::functional::cross_entropy(n.forward(x), y);
    opt.zero_grad();
    loss.backward();
    opt.step();
    if (losses) losses->push_back(loss.item<double>());
  }
  std::vector<at::Tensor> flat;
  for (auto& p : n.parameters()) flat.push_back(p.detach().flatten());
  return at::cat(flat);
}
}  // namespace

TEST(layers, forward_equals_lif_sequence_on_the_mapped_coefficients) {
  lif_layer_options o;
  o.in = 3;
  o.out = 4;
  o.tau_mem = 7.0;
  o.threshold = 0.5;
  lif_layer l(o);
  auto x = (at::rand({20, 2, 3}) < 0.4).to(at::kFloat);
  auto s = l->forward(x);
  lif_coeffs c;
  c.beta = at::full({4}, std::exp(-1.0 / 7.0), at::kFloat);
  c.alpha = at::zeros({4}, at::kFloat);
  c.theta = at::full({4}, 0.5f, at::kFloat);
  auto cur = at::matmul(x, l->weight.t()) + l->bias;
  auto ref = lif_sequence(cur, c, o.dynamics);
  EXPECT_TRUE(at::allclose(l->last[1], ref[1], 1e-5, 1e-6));
  EXPECT_EQ(l->parameters().size(), 2u);  // fixed intrinsic parameters are buffers
}

TEST(layers, training_lowers_the_loss_and_is_bit_identical_for_one_seed) {
  std::vector<double> losses;
  auto a = train(1, &losses);
  auto b = train(1);
  auto c = train(2);
  EXPECT_LT(losses.back(), 0.5 * losses.front());
  EXPECT_TRUE(at::equal(a, b));
  EXPECT_FALSE(at::equal(a, c));
}

TEST(layers, bad_options_are_errors) {
  lif_layer_options o;
  o.tau_mem = -1;
  EXPECT_THROW(lif_layer{o}, hebb::Error);
  lif_layer_options p;
  p.in = 3;
  lif_layer l(p);
  EXPECT_THROW(l->forward(at::zeros({5, 2, 4})), hebb::Error);
}

TEST(layers, sparse_input_default_equals_the_dense_product_path) {
  // Oracle: the same layer with sparse_input = false (ATen's dense matmul), on spike input
  // (sparse path) and on dense currents (spike_linear's dense fallback).
  lif_layer_options o;
  o.in = 40;
  o.out = 33;
  o.dynamics.spiking = false;  // compare membranes, which see every rounding difference
  lif_layer a(o);
  o.sparse_input = false;
  lif_layer b(o);
  for (auto x : {(at::rand({25, 4, 40}) < 0.05).to(at::kFloat), at::randn({25, 4, 40})}) {
    auto ya = a->forward(x), yb = b->forward(x);
    EXPECT_TRUE(at::allclose(ya, yb, 1e-5, 1e-6));
    auto ga = torch::autograd::grad({ya.square().sum()}, {a->weight, a->bias});
    auto gb = torch::autograd::grad({yb.square().sum()}, {b->weight, b->bias});
    for (int k = 0; k < 2; ++k) EXPECT_TRUE(at::allclose(ga[k], gb[k], 1e-4, 1e-5)) << k;
  }
}
