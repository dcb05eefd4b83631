#pragma once
// Surrogate gradients for the spike nonlinearity s = H(z), z = u - theta.
//
// The forward pass uses the Heaviside step (s = 1 if z > 0). The backward pass
// replaces dH/dz by a smooth pseudo-derivative sigma'(z) with slope a > 0:
//   fast_sigmoid  sigma'(z) = 1 / (1 + a|z|)^2            (Zenke & Ganguli 2018; snnTorch)
//   arctan        sigma'(z) = (a/2) / (1 + (pi a z / 2)^2) (Fang et al. 2021; SpikingJelly)
//   triangle      sigma'(z) = a * max(0, 1 - a|z|)        (Bellec et al. 2018, width 1/a)
// Their antiderivatives F (used by tests to build straight-through references,
// s = H(z) + F(z) - stopgrad(F(z))):
//   fast_sigmoid  F(z) = z / (1 + a|z|)
//   arctan        F(z) = atan(pi a z / 2) / pi
//   triangle      F(z) = a zc - a^2 zc|zc| / 2, zc = clamp(z, -1/a, 1/a)
#include <cmath>
#include <numbers>
#include <string>
#include <string_view>
#include <vector>

#include <hebb/core/error.hpp>

namespace hebb::learn {

enum class surrogate { fast_sigmoid, arctan, triangle };

// How the membrane is reset after a spike.
//   subtract  v = u - theta_t * s         (keeps the overshoot)
//   zero      v = u (1 - s) + v_reset * s  (to the per-neuron reset value, 0 by default)
enum class reset_mode { subtract, zero };

inline const std::vector<std::string>& surrogate_names() {
  static const std::vector<std::string> n = {"fast_sigmoid", "arctan", "triangle"};
  return n;
}
inline const std::vector<std::string>& reset_names() {
  static const std::vector<std::string> n = {"subtract", "zero"};
  return n;
}

inline surrogate parse_surrogate(std::string_view name) {
  const auto& n = surrogate_names();
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n[i] == name) return static_cast<surrogate>(i);
  throw_unknown("surrogate", name, n);
}
inline reset_mode parse_reset(std::string_view name) {
  const auto& n = reset_names();
  for (std::size_t i = 0; i < n.size(); ++i)
    if (n[i] == name) return static_cast<reset_mode>(i);
  throw_unknown("reset", name, n);
}

// sigma'(z) for slope a.
template <class T>
inline T surrogate_grad(surrogate kind, T z, T a) {
  switch (kind) {
    case surrogate::fast_sigmoid: {
      const T d = T(1) + a * std::abs(z);
      return T(1) / (d * d);
    }
    case surrogate::arctan: {
      const T x = T(std::numbers::pi / 2) * a * z;
      return (a / T(2)) / (T(1) + x * x);
    }
    case surrogate::triangle: {
      const T r = T(1) - a * std::abs(z);
      return r > T(0) ? a * r : T(0);
    }
  }
  return T(0);
}

}  // namespace hebb::learn
