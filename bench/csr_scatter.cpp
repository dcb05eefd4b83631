// The memory-bound limit of synaptic delivery: a plain CSR scatter-add of float
// weights into a target array, for random spiking sources. Prints ns per event.
//   g++ -std=c++20 -O3 -march=native -Iinclude bench/csr_scatter.cpp -o csr_scatter && ./csr_scatter N K SPIKES_PER_STEP STEPS
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <hebb/core/rng.hpp>

int main(int argc, char** argv) {
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4000;
  const std::size_t k = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 80;
  const std::size_t spikes = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 8;
  const std::size_t steps = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 20000;
  hebb::counter_rng gen(1, hebb::stream::experiment, 0);
  std::vector<std::uint64_t> row(n + 1);
  std::vector<std::uint32_t> tgt(n * k);
  std::vector<float> w(n * k, 0.5f), acc(n, 0.0f);
  auto pick = [&](hebb::counter_rng& r) { return static_cast<std::uint32_t>(r.below(n)); };
  for (std::size_t i = 0; i < n; ++i) {
    row[i + 1] = row[i] + k;
    for (std::size_t j = 0; j < k; ++j) tgt[i * k + j] = pick(gen);
  }
  std::vector<std::uint32_t> src(spikes * steps);
  for (auto& s : src) s = pick(gen);
  const auto t0 = std::chrono::steady_clock::now();
  for (std::size_t s = 0; s < steps; ++s) {
    for (std::size_t q = 0; q < spikes; ++q) {
      const std::uint32_t i = src[s * spikes + q];
      for (auto e = row[i]; e < row[i + 1]; ++e) acc[tgt[e]] += w[e];
    }
  }
  const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double sum = 0;
  for (float a : acc) sum += a;
  std::printf("%.4f ns/event (n=%zu, k=%zu, %zu spikes/step, checksum %.1f)\n",
              sec * 1e9 / static_cast<double>(steps * spikes * k), n, k, spikes, sum);
  return 0;
}
