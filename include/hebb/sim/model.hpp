#pragma once
// What a neuron model is to the engine: a name, documented parameters and state
// variables, and one step over a range of neurons whose state arrays the engine owns
// (structure of arrays). The engine dispatches once per population per step; the
// model's loop runs without virtual calls, allocation or locks.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#if defined(__AVX2__) || defined(__AVX512F__)
#include <immintrin.h>
#endif
#include <string>
#include <type_traits>
#include <vector>

#include <hebb/core/params.hpp>

namespace hebb::sim {

// Receptor ports of a neuron. Current-based models add the weight (pA, signed) to
// the port's current; conductance-based models add it (nS, >= 0) to its conductance.
enum class receptor : std::uint8_t { exc = 0, inh = 1 };

struct state_spec {
  std::string name;
  std::string unit;
  std::string doc;
};

// One step of a model over neurons [begin, end): the state arrays in the order of
// the model's state_specs, the synaptic input arriving this step per port (the model
// adds it and sets it to zero, so the ring-buffer slot is free for reuse), the
// external current [pA], and where to append the local indices of neurons that spike.
// has_i_ext = false says i_ext is all zero this step (no injected current or noise):
// a model may then skip reading it, adding a zero constant in its place.
template <class T>
struct step_args {
  T* const* var;
  T* in_exc;
  T* in_inh;
  const T* i_ext;
  std::size_t begin, end;
  std::vector<std::uint32_t>* spikes;
  bool has_i_ext = true;
};

// The step of a model whose update is specialised on has_i_ext: Model::run<true>
// reads i_ext, Model::run<false> adds a zero constant instead.
template <class Model, class C, class T>
void step_on_ext(const C& c, const step_args<T>& a) {
  if (a.has_i_ext)
    Model::template run<true>(c, a);
  else
    Model::template run<false>(c, a);
}

// Models update their neurons in blocks of this many, each block's threshold scan
// right after its integration while the block's state is still in the L1 cache (one
// pass over the state instead of two). Thread ranges start on multiples of 64.
inline constexpr std::size_t update_block = 256;

// The entry of a model in the registry (`hebb models`, Python, model files).
struct model_info {
  std::string name;
  std::string doc;
  std::string kind;  // "neuron" or "source"
  std::vector<param_spec> params;
  std::vector<state_spec> state;
  std::vector<std::string> presets;  // named parameter sets, if any
  bool conductance_ports = false;    // weights are conductances [nS], must be >= 0
};

}  // namespace hebb::sim

namespace hebb::sim {

// A parameter of a params aggregate, for the registry: name, member, unit, doc.
template <class P>
struct field {
  const char* name;
  double P::*member;
  const char* unit;
  const char* doc;
};

// The param_specs of a params aggregate (defaults from a default-constructed P).
template <class P, std::size_t N>
std::vector<param_spec> specs_of(const field<P> (&fields)[N]) {
  const P defaults{};
  std::vector<param_spec> out;
  for (const auto& f : fields) out.push_back({f.name, defaults.*f.member, f.unit, f.doc});
  return out;
}

// A P from defaults overridden by `given`; unknown names name the closest valid one.
template <class P, std::size_t N>
P params_from(const char* owner, const field<P> (&fields)[N], const param_map& given,
              P base = P{}) {
  std::vector<param_spec> specs;
  for (const auto& f : fields) specs.push_back({f.name, base.*f.member, f.unit, f.doc});
  const param_map resolved = resolve_params(owner, specs, given);
  for (const auto& f : fields) base.*f.member = resolved.at(f.name);
  return base;
}

// Calls on_spike(k), in increasing k, for every k in [begin, end) with v[k] >= thr.
// Spikes are rare: with AVX-512 or AVX2 one vector compare gives a bit mask per
// block of lanes and only its set bits are visited; otherwise a block of 16 whose
// maximum is below thr is skipped.
template <class T, class F>
inline void for_each_crossing(const T* __restrict v, T thr, std::size_t begin, std::size_t end, F&& on_spike) {
  std::size_t k = begin;
#if defined(__AVX512F__)
  constexpr std::size_t W = 64 / sizeof(T);
  for (; k + W <= end; k += W) {
    std::uint32_t m;
    if constexpr (sizeof(T) == 4)
      m = _mm512_cmp_ps_mask(_mm512_loadu_ps(v + k), _mm512_set1_ps(thr), _CMP_GE_OQ);
    else
      m = _mm512_cmp_pd_mask(_mm512_loadu_pd(v + k), _mm512_set1_pd(thr), _CMP_GE_OQ);
    for (; m; m &= m - 1) on_spike(k + static_cast<std::size_t>(std::countr_zero(m)));
  }
#elif defined(__AVX2__)
  constexpr std::size_t W = 32 / sizeof(T);
  for (; k + W <= end; k += W) {
    std::uint32_t m;
    if constexpr (sizeof(T) == 4)
      m = static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(v + k), _mm256_set1_ps(thr), _CMP_GE_OQ)));
    else
      m = static_cast<std::uint32_t>(_mm256_movemask_pd(_mm256_cmp_pd(_mm256_loadu_pd(v + k), _mm256_set1_pd(thr), _CMP_GE_OQ)));
    for (; m; m &= m - 1) on_spike(k + static_cast<std::size_t>(std::countr_zero(m)));
  }
#else
  for (; k + 16 <= end; k += 16) {
    T top = v[k];
#pragma omp simd reduction(max : top)
    for (std::size_t j = 0; j < 16; ++j) top = top > v[k + j] ? top : v[k + j];
    if (top >= thr)
      for (std::size_t j = 0; j < 16; ++j)
        if (v[k + j] >= thr) on_spike(k + j);
  }
#endif
  for (; k < end; ++k)
    if (v[k] >= thr) on_spike(k);
}

// c ? x : y chosen by bit masks. In a `#pragma omp simd` loop GCC turns a plain
// ?: between a computed value and a constant into masked arithmetic whose masked
// loads merge into the previous iteration's register, a dependency it spills to the
// stack (the LIF update ran 1.2x slower so); the bitwise form keeps every lane's
// computation unconditional and costs one blend.
template <class T>
[[gnu::always_inline]] inline T select_bits(bool c, T x, T y) {
  using U = std::conditional_t<sizeof(T) == 8, std::uint64_t, std::uint32_t>;
  static_assert(sizeof(U) == sizeof(T));
  const U m = U(0) - U(c);
  return std::bit_cast<T>((std::bit_cast<U>(x) & m) | (std::bit_cast<U>(y) & ~m));
}

// The integrate-and-fire reset, shared by the LIF models: a neuron with refractory
// steps left (refrac > 0) is held at v_reset and counts down; otherwise it takes
// the integrated value.
template <class T>
[[gnu::always_inline]] inline T refractory_hold(T v_integrated, T v_reset, T& refrac) {
  const bool free = refrac <= T(0);
  refrac = free ? T(0) : refrac - T(1);
  return select_bits(free, v_integrated, v_reset);
}

// Neurons of [begin, end) at or above threshold spike: recorded, reset, refractory
// for refrac_steps.
template <class T>
inline void spike_and_reset(const step_args<T>& a, std::size_t begin, std::size_t end, T* __restrict v,
                            T* __restrict refrac, T thresh, T v_reset, T refrac_steps) {
  for_each_crossing(v, thresh, begin, end, [&](std::size_t k) {
    a.spikes->push_back(static_cast<std::uint32_t>(k));
    v[k] = v_reset;
    refrac[k] = refrac_steps;
  });
}

// Checks used by the models' validators: "<model>.<key> = <value> <unit>: must be ..."
inline void require_positive(const char* model, const char* key, double v, const char* unit) {
  if (!(v > 0)) throw Error("{}.{} = {} {}: must be > 0", model, key, v, unit);
}
inline void require_nonnegative(const char* model, const char* key, double v, const char* unit) {
  if (!(v >= 0)) throw Error("{}.{} = {} {}: must be >= 0", model, key, v, unit);
}

}  // namespace hebb::sim
