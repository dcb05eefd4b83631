#pragma once
// lif_cond_exp: leaky integrate-and-fire neuron with exponentially decaying
// synaptic conductances (the COBA neuron of Vogels & Abbott 2005 and Brette et al.
// 2007, benchmark 1; NEST's iaf_cond_exp, PyNN's IF_cond_exp).
//
//   c_m dv/dt = g_leak (e_leak - v) + g_exc (e_exc - v) + g_inh (e_inh - v) + i_offset + i_ext
//   with g_leak = c_m / tau_m
//   dg_exc/dt = -g_exc / tau_syn_exc,   dg_inh/dt = -g_inh / tau_syn_inh
//   v >= v_thresh: spike, v <- v_reset, clamped for tau_refrac
// A synaptic event of weight w [nS] (w >= 0) adds w to the port's conductance.
// Integration: exponential Euler — within a step the conductances are held, so v
// relaxes exactly toward v_inf = (sum g E + I) / sum g with time constant
// c_m / sum g; the conductances decay with their exact propagators.
#include <cmath>

#include <hebb/core/fastmath.hpp>
#include <hebb/sim/model.hpp>

namespace hebb::sim {

struct lif_cond_exp {
  struct params {
    double c_m = 200.0;         // membrane capacitance [pF]
    double tau_m = 20.0;        // membrane time constant [ms] (leak conductance c_m / tau_m)
    double e_leak = -60.0;      // leak reversal potential [mV]
    double v_reset = -60.0;     // reset potential [mV]
    double v_thresh = -50.0;    // threshold [mV]
    double tau_refrac = 5.0;    // refractory period [ms]
    double e_exc = 0.0;         // excitatory reversal potential [mV]
    double e_inh = -80.0;       // inhibitory reversal potential [mV]
    double tau_syn_exc = 5.0;   // excitatory conductance time constant [ms]
    double tau_syn_inh = 10.0;  // inhibitory conductance time constant [ms]
    double i_offset = 0.0;      // constant injected current [pA]
  };
  enum var_index { v, g_exc, g_inh, refrac };
  static model_info info();
  static params make(const param_map& p);
  static std::vector<double> initial(const params& p) { return {p.e_leak, 0.0, 0.0, 0.0}; }

  template <class T>
  struct coeffs {
    T neg_h_over_c, g_leak, gl_el, e_exc, e_inh, p_exc, p_inh, v_reset, v_thresh, i_offset,
        refrac_steps;
  };
  template <class T>
  static coeffs<T> prepare(const params& p, double h) {
    return {T(-h / p.c_m),         T(p.c_m / p.tau_m),
            T(p.c_m / p.tau_m * p.e_leak), T(p.e_exc),
            T(p.e_inh),            T(std::exp(-h / p.tau_syn_exc)),
            T(std::exp(-h / p.tau_syn_inh)), T(p.v_reset),
            T(p.v_thresh),         T(p.i_offset),
            T(std::round(p.tau_refrac / h))};
  }

  template <class T>
  static void step(const coeffs<T>& c, const step_args<T>& a) {
    step_on_ext<lif_cond_exp>(c, a);
  }

  // ext = false: no injected current, a zero constant instead of reading i_ext.
  template <bool ext, class T>
  static void run(const coeffs<T>& coefficients, const step_args<T>& a) {
    const coeffs<T> c = coefficients;  // a local copy: the stores below cannot alias it
    T* __restrict vm = a.var[v];
    T* __restrict ge = a.var[g_exc];
    T* __restrict gi = a.var[g_inh];
    T* __restrict rf = a.var[refrac];
    T* __restrict ine = a.in_exc;
    T* __restrict ini = a.in_inh;
    const T* __restrict iext = a.i_ext;
    for (std::size_t b = a.begin; b < a.end; b += update_block) {
      const std::size_t e = std::min(a.end, b + update_block);
      int fired = 0;  // any neuron of the block at threshold: then the scan below
#pragma omp simd reduction(| : fired)
      for (std::size_t k = b; k < e; ++k) {
        const T gtot = c.g_leak + ge[k] + gi[k];
        const T vinf = (c.gl_el + ge[k] * c.e_exc + gi[k] * c.e_inh + c.i_offset + (ext ? iext[k] : T(0))) / gtot;
        const T vnew = vinf + (vm[k] - vinf) * exp_simd(c.neg_h_over_c * gtot);
        vm[k] = refractory_hold(vnew, c.v_reset, rf[k]);
        fired |= vm[k] >= c.v_thresh;
        ge[k] = ge[k] * c.p_exc + ine[k];
        gi[k] = gi[k] * c.p_inh + ini[k];
        ine[k] = T(0);
        ini[k] = T(0);
      }
      if (fired) spike_and_reset(a, b, e, vm, rf, c.v_thresh, c.v_reset, c.refrac_steps);
    }
  }
};

}  // namespace hebb::sim
