#pragma once
// Results files (HDF5):
//   /meta                      attributes: version, seed, dt, t_end, threads,
//                              precision, complete (1/0), wall_time, model (text)
//   /populations/<name>        attributes: model, size
//   /spikes/<pop>/{times,senders}          times [ms], local neuron indices
//   /state/<pop>/{times,indices,<var>}     <var>: samples x indices
//   /rate/<pop>/{times,rate}               bin ends [ms], rate [Hz]
//   /weights/<projection>/{sources,targets,weights,delays}   final weights (plastic
//                              projections always; others when asked)
//   /weights/<projection>/{snapshot_times,snapshots[,snapshot_indices]}
// The file is written under a temporary name and renamed when complete, so no
// half-written file ever carries the final name.
#include <map>
#include <string>
#include <vector>

#include <hebb/sim/network.hpp>

namespace hebb::io {

struct run_meta {
  std::string model_text;
  bool complete = true;
  double wall_time = 0;  // [s]
  std::vector<std::string> weights;  // projections whose weights are saved
};

void write_results(const std::string& path, sim::network& net, const run_meta& meta);

// Sets the weights of every projection of `net` found in the results file's
// /weights/<projection>/weights (same synapses, same order: the same model and
// seed); returns the projections set. Throws naming the projection on a mismatch.
std::vector<std::string> load_weights(sim::network& net, const std::string& path);

// Checks that `path` can be written (its folder exists and is writable), so a run
// fails before it starts rather than after.
void check_writable(const std::string& path);

// What `hebb info` shows.
struct population_summary {
  std::string name, model;
  std::size_t size = 0, spikes = 0;
  double rate = 0;      // mean [Hz]
  double cv_isi = 0;    // mean over neurons with >= 3 spikes (NaN if none)
  bool recorded = false;
};
struct results_summary {
  std::string version;
  bool complete = false;
  std::uint64_t seed = 0;
  double dt = 0, t_end = 0, wall_time = 0;
  int threads = 0;
  std::vector<population_summary> populations;
};
results_summary read_summary(const std::string& path);

}  // namespace hebb::io
