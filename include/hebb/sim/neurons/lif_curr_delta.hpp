#pragma once
// lif_curr_delta: leaky integrate-and-fire neuron with delta synapses (NEST's
// iaf_psc_delta), the neuron of Brunel (2000), J. Comput. Neurosci. 8:183.
//
//   tau_m dv/dt = -(v - v_rest) + (tau_m / c_m) (i_offset + i_ext)
//   a synaptic event of weight w [mV] makes v jump by w (negative w inhibits)
//   v >= v_thresh: spike, v <- v_reset; during tau_refrac v is clamped and
//   arriving events are discarded (as in NEST)
// Integration: exact propagator for the linear subthreshold dynamics.
#include <cmath>

#include <hebb/sim/model.hpp>

namespace hebb::sim {

struct lif_curr_delta {
  struct params {
    double tau_m = 20.0;      // membrane time constant [ms]
    double c_m = 250.0;       // membrane capacitance [pF] (for injected current)
    double v_rest = 0.0;      // resting potential [mV]
    double v_reset = 10.0;    // reset potential [mV]
    double v_thresh = 20.0;   // threshold [mV]
    double tau_refrac = 2.0;  // refractory period [ms]
    double i_offset = 0.0;    // constant injected current [pA]
  };
  enum var_index { v, refrac };
  static model_info info();
  static params make(const param_map& p);
  static std::vector<double> initial(const params& p) { return {p.v_rest, 0.0}; }

  template <class T>
  struct coeffs {
    T p22, p20, v_rest, v_reset, v_thresh, i_offset, refrac_steps;
  };
  template <class T>
  static coeffs<T> prepare(const params& p, double h) {
    return {T(std::exp(-h / p.tau_m)), T(p.tau_m / p.c_m * -std::expm1(-h / p.tau_m)), T(p.v_rest),
            T(p.v_reset), T(p.v_thresh), T(p.i_offset), T(std::round(p.tau_refrac / h))};
  }

  template <class T>
  static void step(const coeffs<T>& c, const step_args<T>& a) {
    step_on_ext<lif_curr_delta>(c, a);
  }

  // ext = false: no injected current, a zero constant instead of reading i_ext.
  template <bool ext, class T>
  static void run(const coeffs<T>& coefficients, const step_args<T>& a) {
    const coeffs<T> c = coefficients;  // a local copy: the stores below cannot alias it
    T* __restrict vm = a.var[v];
    T* __restrict rf = a.var[refrac];
    T* __restrict ine = a.in_exc;
    T* __restrict ini = a.in_inh;
    const T* __restrict iext = a.i_ext;
    for (std::size_t b = a.begin; b < a.end; b += update_block) {
      const std::size_t e = std::min(a.end, b + update_block);
      int fired = 0;  // any neuron of the block at threshold: then the scan below
#pragma omp simd reduction(| : fired)
      for (std::size_t k = b; k < e; ++k) {
        const T vnew = c.v_rest + (vm[k] - c.v_rest) * c.p22 + (c.i_offset + (ext ? iext[k] : T(0))) * c.p20 +
                       ine[k] + ini[k];
        vm[k] = refractory_hold(vnew, c.v_reset, rf[k]);
        fired |= vm[k] >= c.v_thresh;
        ine[k] = T(0);
        ini[k] = T(0);
      }
      if (fired) spike_and_reset(a, b, e, vm, rf, c.v_thresh, c.v_reset, c.refrac_steps);
    }
  }
};

}  // namespace hebb::sim
