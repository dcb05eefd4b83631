#pragma once
// adex: adaptive exponential integrate-and-fire neuron (Brette & Gerstner 2005,
// J. Neurophysiol. 94:3637) with exponentially decaying synaptic conductances (as
// NEST's aeif_cond_exp).
//
//   c_m dv/dt = -g_leak (v - e_leak) + g_leak delta_t exp((v - v_t)/delta_t) - w
//               + g_exc (e_exc - v) + g_inh (e_inh - v) + i_offset + i_ext
//   tau_w dw/dt = a (v - e_leak) - w
//   v >= v_peak: spike, v <- v_reset, w <- w + b, v clamped for tau_refrac
// Defaults are the paper's regular-spiking parameters. Integration: forward Euler
// in `substeps` equal substeps per dt (the exponential term is stiff near the
// peak); the exponent is capped so v cannot overflow between checks.
#include <algorithm>
#include <cmath>

#include <hebb/core/fastmath.hpp>
#include <hebb/sim/model.hpp>

namespace hebb::sim {

struct adex {
  struct params {
    double c_m = 281.0;         // membrane capacitance [pF]
    double g_leak = 30.0;       // leak conductance [nS]
    double e_leak = -70.6;      // leak reversal potential [mV]
    double v_t = -50.4;         // exponential threshold [mV]
    double delta_t = 2.0;       // slope factor [mV]
    double tau_w = 144.0;       // adaptation time constant [ms]
    double a = 4.0;             // subthreshold adaptation [nS]
    double b = 80.5;            // spike-triggered adaptation [pA]
    double v_reset = -70.6;     // reset potential [mV]
    double v_peak = 0.0;        // spike detection [mV]
    double tau_refrac = 0.0;    // refractory period [ms]
    double e_exc = 0.0;         // excitatory reversal potential [mV]
    double e_inh = -85.0;       // inhibitory reversal potential [mV]
    double tau_syn_exc = 0.2;   // excitatory conductance time constant [ms]
    double tau_syn_inh = 2.0;   // inhibitory conductance time constant [ms]
    double i_offset = 0.0;      // constant injected current [pA]
    double substeps = 4;        // Euler substeps per dt [1]
  };
  enum var_index { v, w, g_exc, g_inh, refrac };
  static model_info info();
  static params make(const param_map& p);
  static std::vector<double> initial(const params& p) { return {p.e_leak, 0.0, 0.0, 0.0, 0.0}; }

  template <class T>
  struct coeffs {
    T hs_over_c, hs_over_tw, g_leak, e_leak, v_t, delta_t, inv_delta_t, a, b, v_reset, v_peak,
        e_exc, e_inh, p_exc, p_inh, i_offset, refrac_steps;
    int substeps;
  };
  template <class T>
  static coeffs<T> prepare(const params& p, double h) {
    const double hs = h / p.substeps;
    return {T(hs / p.c_m), T(hs / p.tau_w), T(p.g_leak), T(p.e_leak), T(p.v_t), T(p.delta_t),
            T(1.0 / p.delta_t), T(p.a), T(p.b), T(p.v_reset), T(p.v_peak), T(p.e_exc),
            T(p.e_inh), T(std::exp(-h / p.tau_syn_exc)), T(std::exp(-h / p.tau_syn_inh)),
            T(p.i_offset), T(std::round(p.tau_refrac / h)), static_cast<int>(p.substeps)};
  }

  template <class T>
  static void step(const coeffs<T>& c, const step_args<T>& a) {
    T* __restrict vm = a.var[v];
    T* __restrict wm = a.var[w];
    T* __restrict ge = a.var[g_exc];
    T* __restrict gi = a.var[g_inh];
    T* __restrict rf = a.var[refrac];
    T* __restrict ine = a.in_exc;
    T* __restrict ini = a.in_inh;
    const T* __restrict iext = a.i_ext;
    for (std::size_t k = a.begin; k < a.end; ++k) {
      T vk = vm[k], wk = wm[k];
      const bool free = rf[k] <= T(0);
      const T iin = c.i_offset + iext[k];
      for (int s = 0; s < c.substeps; ++s) {
        const T x = std::min((vk - c.v_t) * c.inv_delta_t, T(20));  // cap: exp(20) ~ 5e8
        const T dv = -c.g_leak * (vk - c.e_leak) + c.g_leak * c.delta_t * exp_simd(x) - wk +
                     ge[k] * (c.e_exc - vk) + gi[k] * (c.e_inh - vk) + iin;
        const T dw = c.a * (vk - c.e_leak) - wk;
        if (free) vk += c.hs_over_c * dv;
        wk += c.hs_over_tw * dw;
        if (vk >= c.v_peak) break;
      }
      vm[k] = free ? vk : c.v_reset;
      wm[k] = wk;
      rf[k] = free ? T(0) : rf[k] - T(1);
      ge[k] = ge[k] * c.p_exc + ine[k];
      gi[k] = gi[k] * c.p_inh + ini[k];
      ine[k] = T(0);
      ini[k] = T(0);
      if (vm[k] >= c.v_peak) {
        a.spikes->push_back(static_cast<std::uint32_t>(k));
        vm[k] = c.v_reset;
        wm[k] += c.b;
        rf[k] = c.refrac_steps;
      }
    }
  }
};

}  // namespace hebb::sim
