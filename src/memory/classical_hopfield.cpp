#include <hebb/memory/classical_hopfield.hpp>

#include <numeric>

#include <hebb/core/error.hpp>
#include <hebb/core/rng.hpp>

namespace hebb::memory {

classical_hopfield::classical_hopfield(std::span<const std::int8_t> p, std::size_t dim) {
  if (dim == 0) throw Error("classical_hopfield: dim = 0: must be >= 1");
  if (p.empty()) throw Error("classical_hopfield: no stored patterns (an empty memory)");
  if (p.size() % dim != 0)
    throw Error("classical_hopfield: {} values is not a whole number of patterns of dim {}",
                p.size(), dim);
  n_ = p.size() / dim;
  Eigen::MatrixXd x(dim, n_);
  for (std::size_t i = 0; i < n_; ++i)
    for (std::size_t j = 0; j < dim; ++j) {
      const std::int8_t v = p[i * dim + j];
      if (v != 1 && v != -1)
        throw Error("classical_hopfield: pattern {} element {} = {}: must be +1/-1", i, j,
                    static_cast<int>(v));
      x(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(i)) = v;
    }
  w_ = (x * x.transpose()) / static_cast<double>(dim);
  w_.diagonal().setZero();
}

Eigen::VectorXd classical_hopfield::to_vector(std::span<const std::int8_t> s, const char* what) const {
  if (s.size() != dim())
    throw Error("classical_hopfield.{}: state has {} elements, the network {}", what, s.size(), dim());
  Eigen::VectorXd v(s.size());
  for (std::size_t j = 0; j < s.size(); ++j) {
    if (s[j] != 1 && s[j] != -1)
      throw Error("classical_hopfield.{}: element {} = {}: must be +1/-1", what, j, static_cast<int>(s[j]));
    v(static_cast<Eigen::Index>(j)) = s[j];
  }
  return v;
}

double classical_hopfield::energy(std::span<const std::int8_t> state) const {
  const Eigen::VectorXd s = to_vector(state, "energy");
  return -0.5 * s.dot(w_ * s);
}

std::vector<std::int8_t> classical_hopfield::recall(std::span<const std::int8_t> state,
                                                    std::uint64_t seed, std::uint64_t entity,
                                                    int max_sweeps,
                                                    std::vector<double>* energies) const {
  if (max_sweeps < 1) throw Error("classical_hopfield.recall: max_sweeps = {}: must be >= 1", max_sweeps);
  Eigen::VectorXd s = to_vector(state, "recall");
  const auto d = static_cast<Eigen::Index>(dim());
  Eigen::VectorXd h = w_ * s;  // local fields, kept up to date
  double e = -0.5 * s.dot(h);
  if (energies) energies->assign(1, e);
  std::vector<Eigen::Index> order(static_cast<std::size_t>(d));
  for (int sweep = 0; sweep < max_sweeps; ++sweep) {
    std::iota(order.begin(), order.end(), Eigen::Index{0});
    counter_rng r(seed, stream::memory, entity, static_cast<std::uint64_t>(sweep));
    for (Eigen::Index k = d - 1; k > 0; --k)  // Fisher-Yates
      std::swap(order[static_cast<std::size_t>(k)],
                order[r.below(static_cast<std::uint64_t>(k) + 1)]);
    bool changed = false;
    for (auto i : order) {
      const double target = h(i) > 0 ? 1.0 : (h(i) < 0 ? -1.0 : s(i));
      if (target != s(i)) {
        const double ds = target - s(i);
        e -= ds * h(i);  // W_ii = 0: Delta E = -Delta s_i h_i
        s(i) = target;
        h.noalias() += w_.col(i) * ds;
        changed = true;
        if (energies) energies->push_back(e);
      }
    }
    if (!changed) break;
  }
  std::vector<std::int8_t> out(static_cast<std::size_t>(d));
  for (Eigen::Index j = 0; j < d; ++j) out[static_cast<std::size_t>(j)] = s(j) > 0 ? 1 : -1;
  return out;
}

}  // namespace hebb::memory
