#pragma once
// lif_curr_exp: leaky integrate-and-fire neuron with exponentially decaying
// synaptic currents (as NEST's iaf_psc_exp and PyNN's IF_curr_exp).
//
//   c_m dv/dt = -(c_m/tau_m) (v - v_rest) + i_exc + i_inh + i_offset + i_ext
//   di_exc/dt = -i_exc / tau_syn_exc,   di_inh/dt = -i_inh / tau_syn_inh
//   v >= v_thresh: spike, v <- v_reset, clamped for tau_refrac
// A synaptic event of weight w [pA] adds w to the port's current (negative w
// inhibits). Integration: exact propagators for the linear subthreshold system
// (Rotter & Diesmann 1999), so the trajectory under constant current is the
// closed form to rounding error.
#include <cmath>

#include <hebb/sim/model.hpp>

namespace hebb::sim {

struct lif_curr_exp {
  struct params {
    double tau_m = 20.0;       // membrane time constant [ms]
    double c_m = 250.0;        // membrane capacitance [pF]
    double v_rest = -65.0;     // resting potential [mV]
    double v_reset = -65.0;    // reset potential [mV]
    double v_thresh = -50.0;   // threshold [mV]
    double tau_refrac = 2.0;   // refractory period [ms]
    double tau_syn_exc = 5.0;  // excitatory synaptic time constant [ms]
    double tau_syn_inh = 5.0;  // inhibitory synaptic time constant [ms]
    double i_offset = 0.0;     // constant injected current [pA]
  };
  enum var_index { v, i_exc, i_inh, refrac };
  static model_info info();
  static params make(const param_map& p);
  static std::vector<double> initial(const params& p) { return {p.v_rest, 0.0, 0.0, 0.0}; }

  template <class T>
  struct coeffs {
    T p22, p11e, p11i, p21e, p21i, p20, v_rest, v_reset, v_thresh, i_offset, refrac_steps;
  };
  // Response of v to a current decaying with tau_s over one step (the tau_s -> tau_m
  // limit handled so the propagator stays exact).
  static double p21(double tau_m, double tau_s, double c_m, double h) {
    if (std::fabs(tau_m - tau_s) < 1e-9 * tau_m) return h / c_m * std::exp(-h / tau_m);
    return tau_m * tau_s / (c_m * (tau_s - tau_m)) * (std::exp(-h / tau_s) - std::exp(-h / tau_m));
  }
  template <class T>
  static coeffs<T> prepare(const params& p, double h) {
    return {T(std::exp(-h / p.tau_m)), T(std::exp(-h / p.tau_syn_exc)),
            T(std::exp(-h / p.tau_syn_inh)), T(p21(p.tau_m, p.tau_syn_exc, p.c_m, h)),
            T(p21(p.tau_m, p.tau_syn_inh, p.c_m, h)), T(p.tau_m / p.c_m * -std::expm1(-h / p.tau_m)),
            T(p.v_rest), T(p.v_reset), T(p.v_thresh), T(p.i_offset),
            T(std::round(p.tau_refrac / h))};
  }

  template <class T>
  static void step(const coeffs<T>& c, const step_args<T>& a) {
    step_on_ext<lif_curr_exp>(c, a);
  }

  // ext = false: no injected current, a zero constant instead of reading i_ext.
  template <bool ext, class T>
  static void run(const coeffs<T>& coefficients, const step_args<T>& a) {
    const coeffs<T> c = coefficients;  // a local copy: the stores below cannot alias it
    T* __restrict vm = a.var[v];
    T* __restrict ie = a.var[i_exc];
    T* __restrict ii = a.var[i_inh];
    T* __restrict rf = a.var[refrac];
    T* __restrict ine = a.in_exc;
    T* __restrict ini = a.in_inh;
    const T* __restrict iext = a.i_ext;
    for (std::size_t b = a.begin; b < a.end; b += update_block) {
      const std::size_t e = std::min(a.end, b + update_block);
      int fired = 0;  // any neuron of the block at threshold: then the scan below
#pragma omp simd reduction(| : fired)
      for (std::size_t k = b; k < e; ++k) {
        const T vnew = c.v_rest + (vm[k] - c.v_rest) * c.p22 + ie[k] * c.p21e + ii[k] * c.p21i +
                       (c.i_offset + (ext ? iext[k] : T(0))) * c.p20;
        vm[k] = refractory_hold(vnew, c.v_reset, rf[k]);
        fired |= vm[k] >= c.v_thresh;
        ie[k] = ie[k] * c.p11e + ine[k];
        ii[k] = ii[k] * c.p11i + ini[k];
        ine[k] = T(0);
        ini[k] = T(0);
      }
      if (fired) spike_and_reset(a, b, e, vm, rf, c.v_thresh, c.v_reset, c.refrac_steps);
    }
  }
};

}  // namespace hebb::sim
