// Oracles: (1) equipartition of the stationary Langevin law, Var(v) = sigma^2/(2 gamma),
// Var(z) = Var(v)/k [theory, SYSTEMS.md 13], and for a coupled ring the Gibbs
// covariance Cov(z) = kT (K + L)^-1; (2) a plain step-by-step libtorch autograd
// implementation of the BAOAB scheme in langevin.hpp, compared in double precision.
#include <gtest/gtest.h>

#include <cmath>

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <hebb/core/error.hpp>
#include <hebb/learn/langevin.hpp>

using namespace hebb::learn;

namespace {

auto dbl() { return torch::TensorOptions().dtype(torch::kDouble); }

torch::Tensor grad_u(const torch::Tensor& z, const langevin_coeffs& c) {
  auto nx = torch::roll(z, -1, 1), pv = torch::roll(z, 1, 1);
  auto cp = torch::roll(c.coupling, 1, 0);  // c_{i-1}
  return c.k * z + c.coupling * (z - nx) + cp * (z - pv);
}

// The scheme of langevin.hpp written step by step with torch ops.
std::vector<torch::Tensor> reference(const torch::Tensor& z0, const torch::Tensor& v0,
                                     const torch::Tensor& f, const torch::Tensor& xi,
                                     const langevin_coeffs& c, double h) {
  auto a = torch::exp(-c.gamma * h);
  auto s = c.sigma * torch::sqrt((1 - a * a) / (2 * c.gamma));
  auto z = z0, v = v0;
  std::vector<torch::Tensor> Z, V;
  for (int64_t t = 0; t < f.size(0); ++t) {
    v = v + h / 2 * (f[t] - grad_u(z, c));
    z = z + h / 2 * v;
    v = a * v + s * xi[t];
    z = z + h / 2 * v;
    v = v + h / 2 * (f[t] - grad_u(z, c));
    Z.push_back(z);
    V.push_back(v);
  }
  return {torch::stack(Z), torch::stack(V)};
}

double rel_err(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).norm().item<double>() / std::max(1e-300, b.norm().item<double>());
}

// Long run in chunks (the final state of a chunk starts the next); returns per-dimension
// variances of z and v over chains and the steps after burn-in, and the z covariance.
struct moments {
  torch::Tensor var_z, var_v, cov_z;
};

moments stationary(const langevin_coeffs& c, int64_t B, int64_t D, double h, int chunks,
                   int burn, int64_t T, std::uint64_t seed) {
  torch::NoGradGuard ng;
  auto z = torch::zeros({B, D}, dbl()), v = torch::zeros({B, D}, dbl());
  auto f = torch::zeros({T, B, D}, dbl());
  auto sz = torch::zeros({D}, dbl()), sv = torch::zeros({D}, dbl());
  auto czz = torch::zeros({D, D}, dbl());
  double n = 0;
  for (int k = 0; k < chunks; ++k) {
    auto xi = langevin_noise(T, B, D, seed * 1000 + static_cast<std::uint64_t>(k));
    auto r = langevin_sequence(z, v, f, xi, c, {h});
    z = r[0][T - 1].clone();
    v = r[1][T - 1].clone();
    if (k < burn) continue;
    auto Z = r[0].reshape({T * B, D}), V = r[1].reshape({T * B, D});
    sz += Z.square().sum(0);  // the stationary mean is 0 (f = 0)
    sv += V.square().sum(0);
    czz += Z.t().mm(Z);
    n += static_cast<double>(T * B);
  }
  return {sz / n, sv / n, czz / n};
}

}  // namespace

TEST(Langevin, EquipartitionQuadraticPotential) {
  const int64_t D = 4;
  langevin_coeffs c;
  c.gamma = torch::tensor({1.0, 2.0, 0.5, 1.5}, dbl());
  c.k = torch::tensor({1.0, 0.5, 2.0, 4.0}, dbl());
  c.coupling = torch::zeros({D}, dbl());  // independent oscillators: U = sum k z^2 / 2
  c.sigma = torch::tensor({1.0, 0.5, 1.5, 1.0}, dbl());
  auto m = stationary(c, 512, D, 0.05, 24, 2, 500, 7);
  auto kT = c.sigma.square() / (2 * c.gamma);  // Var(v) = sigma^2 / (2 gamma)
  for (int64_t i = 0; i < D; ++i) {
    const double vv = m.var_v[i].item<double>(), vz = m.var_z[i].item<double>();
    const double ev = kT[i].item<double>(), ez = ev / c.k[i].item<double>();
    EXPECT_NEAR(vv / ev, 1.0, 0.05) << "Var(v) dim " << i << ": " << vv << " vs " << ev;
    EXPECT_NEAR(vz / ez, 1.0, 0.05) << "Var(z) dim " << i << ": " << vz << " vs " << ez;
  }
}

TEST(Langevin, CoupledRingGibbsCovariance) {
  // uniform gamma, sigma: stationary density exp(-(z^T G z / 2 + |v|^2 / 2) / kT)
  const int64_t D = 5;
  langevin_coeffs c;
  c.gamma = torch::full({D}, 1.0, dbl());
  c.k = torch::tensor({1.0, 0.6, 1.4, 0.8, 1.2}, dbl());
  c.coupling = torch::tensor({0.5, 0.3, 0.0, 0.7, 0.4}, dbl());
  c.sigma = torch::full({D}, 1.2, dbl());
  const double kT = 1.2 * 1.2 / 2.0;
  auto G = torch::zeros({D, D}, dbl());
  for (int64_t i = 0; i < D; ++i) {  // G = K + ring Laplacian
    const int64_t j = (i + 1) % D;
    const double ci = c.coupling[i].item<double>();
    G[i][i] += c.k[i].item<double>() + ci;
    G[j][j] += ci;
    G[i][j] -= ci;
    G[j][i] -= ci;
  }
  auto expect = kT * torch::inverse(G);
  auto m = stationary(c, 512, D, 0.05, 24, 2, 500, 11);
  for (int64_t i = 0; i < D; ++i) {
    EXPECT_NEAR(m.var_v[i].item<double>() / kT, 1.0, 0.05) << "dim " << i;
    EXPECT_NEAR(m.cov_z[i][i].item<double>() / expect[i][i].item<double>(), 1.0, 0.05) << "dim " << i;
  }
  // neighbour covariances (positive for a spring): within 5 % of the largest variance
  const double scale = expect.diagonal().max().item<double>();
  for (int64_t i = 0; i < D; ++i) {
    const int64_t j = (i + 1) % D;
    EXPECT_NEAR(m.cov_z[i][j].item<double>(), expect[i][j].item<double>(), 0.05 * scale);
  }
}

TEST(Langevin, MatchesStepByStepAutogradInDouble) {
  torch::manual_seed(3);
  const int64_t T = 30, B = 3, D = 5;
  const double h = 0.1;
  langevin_coeffs c;
  c.gamma = (0.2 + torch::rand({D}, dbl())).requires_grad_();
  c.k = (0.5 + torch::rand({D}, dbl())).requires_grad_();
  c.coupling = (0.1 + 0.5 * torch::rand({D}, dbl())).requires_grad_();
  c.sigma = (0.3 + torch::rand({D}, dbl())).requires_grad_();
  auto z0 = torch::randn({B, D}, dbl()).requires_grad_();
  auto v0 = torch::randn({B, D}, dbl()).requires_grad_();
  auto f = torch::randn({T, B, D}, dbl()).requires_grad_();
  auto xi = torch::randn({T, B, D}, dbl()).requires_grad_();
  auto wz = torch::randn({T, B, D}, dbl()), wv = torch::randn({T, B, D}, dbl());

  auto mine = langevin_sequence(z0, v0, f, xi, c, {h});
  auto ref = reference(z0, v0, f, xi, c, h);
  EXPECT_LT(rel_err(mine[0], ref[0]), 1e-12);
  EXPECT_LT(rel_err(mine[1], ref[1]), 1e-12);

  std::vector<torch::Tensor> inputs{z0, v0, f, xi, c.gamma, c.k, c.coupling, c.sigma};
  const char* names[] = {"z0", "v0", "forcing", "noise", "gamma", "k", "coupling", "sigma"};
  auto g1 = torch::autograd::grad({(mine[0] * wz).sum() + (mine[1] * wv).sum()}, inputs, {}, true);
  auto g2 = torch::autograd::grad({(ref[0] * wz).sum() + (ref[1] * wv).sum()}, inputs, {}, true);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    EXPECT_LT(rel_err(g1[i], g2[i]), 1e-5) << names[i];

  // only one output used: the other's gradient is absent, not zero-filled
  auto g3 = torch::autograd::grad({(mine[0] * wz).sum()}, inputs);
  auto g4 = torch::autograd::grad({(ref[0] * wz).sum()}, inputs);
  for (std::size_t i = 0; i < inputs.size(); ++i)
    EXPECT_LT(rel_err(g3[i], g4[i]), 1e-5) << names[i] << " (z only)";
}

TEST(Langevin, FloatMatchesDouble) {
  torch::manual_seed(4);
  const int64_t T = 40, B = 4, D = 6;
  langevin_coeffs c{torch::full({D}, 0.5, dbl()), torch::full({D}, 1.0, dbl()),
                    torch::full({D}, 0.2, dbl()), torch::full({D}, 0.3, dbl())};
  auto z0 = torch::randn({B, D}, dbl()), v0 = torch::randn({B, D}, dbl());
  auto f = torch::randn({T, B, D}, dbl()), xi = torch::randn({T, B, D}, dbl());
  auto d = langevin_sequence(z0, v0, f, xi, c, {0.1});
  auto fl = [](const torch::Tensor& t) { return t.to(torch::kFloat); };
  auto s = langevin_sequence(fl(z0), fl(v0), fl(f), fl(xi),
                             {fl(c.gamma), fl(c.k), fl(c.coupling), fl(c.sigma)}, {0.1});
  EXPECT_LT(rel_err(s[0].to(torch::kDouble), d[0]), 1e-5);
}

TEST(Langevin, NoiseIsKeyedByIdentity) {
  auto a = langevin_noise(50, 6, 4, 9);
  auto b = langevin_noise(50, 3, 4, 9);  // a smaller batch: same draws for b < 3
  EXPECT_TRUE(torch::equal(a.slice(1, 0, 3), b));
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto one = langevin_noise(50, 6, 4, 9);
  at::set_num_threads(std::max(2, threads));
  auto two = langevin_noise(50, 6, 4, 9);
  at::set_num_threads(threads);
  EXPECT_TRUE(torch::equal(one, two));
  EXPECT_TRUE(torch::equal(a, one));
  auto other = langevin_noise(50, 6, 4, 10);
  EXPECT_FALSE(torch::equal(a, other));  // another seed, other draws
  auto big = langevin_noise(200, 50, 10, 1);
  EXPECT_NEAR(big.mean().item<double>(), 0.0, 5 * std::sqrt(1.0 / 100000));
  EXPECT_NEAR(big.var().item<double>(), 1.0, 5 * std::sqrt(2.0 / 100000));
}

TEST(Langevin, SameResultForAnyThreadCount) {
  torch::manual_seed(5);
  const int64_t T = 25, B = 8, D = 3;
  langevin_coeffs c{(0.5 + torch::rand({D}, dbl())).requires_grad_(),
                    torch::rand({D}, dbl()).requires_grad_(),
                    torch::rand({D}, dbl()).requires_grad_(),
                    torch::rand({D}, dbl()).requires_grad_()};
  auto z0 = torch::randn({B, D}, dbl()), v0 = torch::randn({B, D}, dbl());
  auto f = torch::randn({T, B, D}, dbl()), xi = langevin_noise(T, B, D, 3);
  auto run = [&] {
    auto r = langevin_sequence(z0, v0, f, xi, c, {0.1});
    return torch::autograd::grad({r[0].square().sum()}, {c.gamma, c.k, c.coupling, c.sigma});
  };
  const int threads = at::get_num_threads();
  at::set_num_threads(1);
  auto g1 = run();
  at::set_num_threads(std::max(2, threads));
  auto g2 = run();
  at::set_num_threads(threads);
  for (std::size_t i = 0; i < g1.size(); ++i) EXPECT_TRUE(torch::equal(g1[i], g2[i])) << i;
}

TEST(Langevin, BadInputIsAnError) {
  const int64_t T = 5, B = 2, D = 3;
  langevin_coeffs c{torch::ones({D}, dbl()), torch::ones({D}, dbl()), torch::ones({D}, dbl()),
                    torch::ones({D}, dbl())};
  auto z0 = torch::zeros({B, D}, dbl()), v0 = torch::zeros({B, D}, dbl());
  auto f = torch::zeros({T, B, D}, dbl()), xi = torch::zeros({T, B, D}, dbl());
  EXPECT_NO_THROW(langevin_sequence(z0, v0, f, xi, c, {0.1}));
  auto expect_error = [&](auto&& fn, const std::string& fragment) {
    try {
      fn();
      ADD_FAILURE() << "no error; expected one naming '" << fragment << "'";
    } catch (const hebb::Error& e) {
      EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
    }
  };
  auto with = [&](langevin_coeffs cc) { return [&, cc] { langevin_sequence(z0, v0, f, xi, cc, {0.1}); }; };
  auto bad = c;
  bad.gamma = torch::tensor({1.0, 0.0, 1.0}, dbl());
  expect_error(with(bad), "gamma = 0: must be > 0");
  bad = c;
  bad.gamma = torch::tensor({1.0, -2.0, 1.0}, dbl());
  expect_error(with(bad), "gamma = -2");
  bad = c;
  bad.k = torch::tensor({1.0, -0.5, 1.0}, dbl());
  expect_error(with(bad), "k = -0.5: must be >= 0");
  bad = c;
  bad.coupling = torch::tensor({1.0, -0.5, 1.0}, dbl());
  expect_error(with(bad), "coupling = -0.5");
  bad = c;
  bad.sigma = torch::tensor({1.0, std::nan(""), 1.0}, dbl());
  expect_error(with(bad), "sigma has a non-finite entry");
  bad = c;
  bad.k = torch::ones({D + 1}, dbl());
  expect_error(with(bad), "k has shape [4]; expected [3]");
  expect_error([&] { langevin_sequence(torch::zeros({B + 1, D}, dbl()), v0, f, xi, c, {0.1}); },
               "z0 has shape [3, 3]; expected [2, 3]");
  expect_error([&] { langevin_sequence(z0, v0, f, torch::zeros({T - 1, B, D}, dbl()), c, {0.1}); },
               "noise has shape [4, 2, 3]");
  expect_error([&] { langevin_sequence(z0, v0, torch::zeros({B, D}, dbl()), xi, c, {0.1}); },
               "expected [T, B, D]");
  expect_error([&] { langevin_sequence(z0.to(torch::kFloat), v0, f, xi, c, {0.1}); },
               "z0 has dtype Float");
  expect_error([&] { langevin_sequence(z0, v0, f, xi, c, {0.0}); }, "langevin.dt = 0");
  expect_error([&] { langevin_noise(2, 2, 2, 1, torch::kInt); }, "not supported");
}
