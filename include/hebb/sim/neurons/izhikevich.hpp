#pragma once
// izhikevich: the simple model of Izhikevich (2003), IEEE Trans. Neural Netw. 14:1569.
//
//   dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u)
//   v >= v_peak (30 mV): spike, v <- c, u <- u + d
// with v in mV, t in ms and I (the sum of synaptic and external input) in the
// paper's dimensionless current units. a, b, c, d are per-neuron state (they may be
// set per neuron with `init`, as in the paper's heterogeneous network); the presets
// RS, IB, CH, FS, LTS set them to the paper's Fig. 2 values.
// Synaptic input: with tau_syn_* = 0 (the default, as in the paper) a weight w adds
// w to I during the one step in which it arrives; with tau_syn_* > 0 it adds w to a
// current decaying with that time constant.
// Integration: v with two forward-Euler half steps, u with one (the paper's scheme,
// exact to its code at dt = 1 ms); use dt <= 1 ms.
#include <cmath>

#include <hebb/sim/model.hpp>

namespace hebb::sim {

struct izhikevich {
  struct params {
    double a = 0.02;           // recovery time scale [1/ms]
    double b = 0.2;            // recovery sensitivity [1]
    double c = -65.0;          // reset potential [mV]
    double d = 8.0;            // reset of u [mV/ms]
    double v_peak = 30.0;      // spike cut-off [mV]
    double v_init = -65.0;     // initial v [mV] (u starts at b * v_init)
    double tau_syn_exc = 0.0;  // excitatory current time constant, 0 = one-step pulse [ms]
    double tau_syn_inh = 0.0;  // inhibitory current time constant, 0 = one-step pulse [ms]
    double i_offset = 0.0;     // constant input current [1]
  };
  enum var_index { v, u, i_exc, i_inh, a_, b_, c_, d_ };
  static model_info info();
  static params make(const param_map& p);
  // Presets of Izhikevich (2003), Fig. 2: {a, b, c, d}.
  static params preset(const std::string& name);
  static std::vector<double> initial(const params& p) {
    return {p.v_init, p.b * p.v_init, 0.0, 0.0, p.a, p.b, p.c, p.d};
  }

  template <class T>
  struct coeffs {
    T h, half_h, p_exc, p_inh, pulse_exc, pulse_inh, v_peak, i_offset;
  };
  template <class T>
  static coeffs<T> prepare(const params& p, double h) {
    auto prop = [&](double tau) { return tau > 0 ? std::exp(-h / tau) : 0.0; };
    return {T(h), T(0.5 * h), T(prop(p.tau_syn_exc)), T(prop(p.tau_syn_inh)),
            T(p.tau_syn_exc > 0 ? 0 : 1), T(p.tau_syn_inh > 0 ? 0 : 1), T(p.v_peak),
            T(p.i_offset)};
  }

  template <class T>
  static void step(const coeffs<T>& c, const step_args<T>& a) {
    T* __restrict vm = a.var[v];
    T* __restrict um = a.var[u];
    T* __restrict ie = a.var[i_exc];
    T* __restrict ii = a.var[i_inh];
    const T* __restrict pa = a.var[a_];
    const T* __restrict pb = a.var[b_];
    T* __restrict ine = a.in_exc;
    T* __restrict ini = a.in_inh;
    const T* __restrict iext = a.i_ext;
#pragma omp simd
    for (std::size_t k = a.begin; k < a.end; ++k) {
      // pulses (tau = 0) act in the step they arrive; decaying currents from the next
      const T input = ie[k] + ii[k] + c.pulse_exc * ine[k] + c.pulse_inh * ini[k] + c.i_offset + iext[k];
      T vk = vm[k];
      const T uk = um[k];
      vk += c.half_h * (T(0.04) * vk * vk + T(5) * vk + T(140) - uk + input);
      vk += c.half_h * (T(0.04) * vk * vk + T(5) * vk + T(140) - uk + input);
      um[k] = uk + c.h * pa[k] * (pb[k] * vk - uk);
      vm[k] = vk;
      ie[k] = ie[k] * c.p_exc + (T(1) - c.pulse_exc) * ine[k];
      ii[k] = ii[k] * c.p_inh + (T(1) - c.pulse_inh) * ini[k];
      ine[k] = T(0);
      ini[k] = T(0);
    }
    const T* __restrict pc = a.var[c_];
    const T* __restrict pd = a.var[d_];
    for_each_crossing(vm, c.v_peak, a.begin, a.end, [&](std::size_t k) {
      a.spikes->push_back(static_cast<std::uint32_t>(k));
      vm[k] = pc[k];
      um[k] += pd[k];
    });
  }
};

}  // namespace hebb::sim
