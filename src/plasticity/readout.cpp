#include <hebb/plasticity/readout.hpp>

#include <cmath>

#include <hebb/core/error.hpp>

namespace hebb::plasticity {

namespace {
void check_shapes(const char* who, std::size_t n_in, std::size_t n_out, const row_matrix& R, const row_matrix& Y,
                  std::span<const double> gate) {
  if (static_cast<std::size_t>(R.cols()) != n_in)
    throw Error("{}: rates have {} columns, the readout has {} inputs", who, R.cols(), n_in);
  if (static_cast<std::size_t>(Y.cols()) != n_out)
    throw Error("{}: targets have {} columns, the readout has {} outputs", who, Y.cols(), n_out);
  if (R.rows() != Y.rows()) throw Error("{}: {} rows of rates but {} rows of targets", who, R.rows(), Y.rows());
  if (!gate.empty() && gate.size() != static_cast<std::size_t>(R.rows()))
    throw Error("{}: gate has {} values, need one per row ({}) or none", who, gate.size(), R.rows());
  if (!R.allFinite()) throw Error("{}: rates contain NaN or infinity", who);
  if (!Y.allFinite()) throw Error("{}: targets contain NaN or infinity", who);
}
void check_sizes(const char* who, std::size_t n_in, std::size_t n_out) {
  if (n_in == 0 || n_out == 0) throw Error("{}: n_in = {}, n_out = {}: both must be >= 1", who, n_in, n_out);
}
}  // namespace

void lms_params::validate() const {
  if (!(eta > 0) || !std::isfinite(eta)) throw Error("lms_readout.eta = {}: must be > 0 and finite", eta);
}

void rls_params::validate() const {
  if (!(alpha > 0) || !std::isfinite(alpha)) throw Error("rls_readout.alpha = {}: must be > 0 and finite", alpha);
  if (!(forgetting > 0 && forgetting <= 1))
    throw Error("rls_readout.forgetting = {}: must be in (0, 1]", forgetting);
}

lms_readout::lms_readout(std::size_t n_in, std::size_t n_out, lms_params p) : p_(p) {
  check_sizes("lms_readout", n_in, n_out);
  p_.validate();
  w_ = row_matrix::Zero(static_cast<Eigen::Index>(n_out), static_cast<Eigen::Index>(n_in));
}

void lms_readout::step(std::span<const double> r, std::span<const double> y, double g, std::span<double> z_out) {
  const Eigen::Map<const Eigen::VectorXd> rv(r.data(), static_cast<Eigen::Index>(r.size()));
  const Eigen::Map<const Eigen::VectorXd> yv(y.data(), static_cast<Eigen::Index>(y.size()));
  Eigen::Map<Eigen::VectorXd> z(z_out.data(), static_cast<Eigen::Index>(z_out.size()));
  z.noalias() = w_ * rv;
  if (g != 0) w_.noalias() += (p_.eta * g) * (yv - z) * rv.transpose();
}

row_matrix lms_readout::train(const row_matrix& R, const row_matrix& Y, std::span<const double> gate) {
  check_shapes("lms_readout.train", static_cast<std::size_t>(w_.cols()), static_cast<std::size_t>(w_.rows()), R, Y, gate);
  row_matrix Z(R.rows(), w_.rows());
  for (Eigen::Index t = 0; t < R.rows(); ++t)
    step({R.row(t).data(), static_cast<std::size_t>(R.cols())}, {Y.row(t).data(), static_cast<std::size_t>(Y.cols())},
         gate.empty() ? 1.0 : gate[static_cast<std::size_t>(t)], {Z.row(t).data(), static_cast<std::size_t>(Z.cols())});
  return Z;
}

row_matrix lms_readout::predict(const row_matrix& R) const {
  if (R.cols() != w_.cols()) throw Error("lms_readout.predict: rates have {} columns, need {}", R.cols(), w_.cols());
  return R * w_.transpose();
}

rls_readout::rls_readout(std::size_t n_in, std::size_t n_out, rls_params p) : p_(p) {
  check_sizes("rls_readout", n_in, n_out);
  p_.validate();
  const auto ni = static_cast<Eigen::Index>(n_in);
  w_ = row_matrix::Zero(static_cast<Eigen::Index>(n_out), ni);
  P_ = Eigen::MatrixXd::Identity(ni, ni) / p_.alpha;
  pr_.resize(ni);
}

void rls_readout::step(std::span<const double> r, std::span<const double> y, double g, std::span<double> z_out) {
  const Eigen::Map<const Eigen::VectorXd> rv(r.data(), static_cast<Eigen::Index>(r.size()));
  const Eigen::Map<const Eigen::VectorXd> yv(y.data(), static_cast<Eigen::Index>(y.size()));
  Eigen::Map<Eigen::VectorXd> z(z_out.data(), static_cast<Eigen::Index>(z_out.size()));
  z.noalias() = w_ * rv;
  if (g == 0) return;
  pr_.noalias() = P_ * rv;
  const double rpr = rv.dot(pr_);
  const double denom = p_.forgetting + rpr;
  gain_ = rpr / denom;
  // P <- (P - P r r^T P / denom) / lambda  (P r r^T P is exactly symmetric, so P stays so)
  P_.noalias() -= (pr_ / denom) * pr_.transpose();
  if (p_.forgetting != 1.0) P_ /= p_.forgetting;
  w_.noalias() += (yv - z) * (pr_ / denom).transpose();
  ++updates_;
}

row_matrix rls_readout::train(const row_matrix& R, const row_matrix& Y, std::span<const double> gate) {
  check_shapes("rls_readout.train", static_cast<std::size_t>(w_.cols()), static_cast<std::size_t>(w_.rows()), R, Y, gate);
  row_matrix Z(R.rows(), w_.rows());
  for (Eigen::Index t = 0; t < R.rows(); ++t)
    step({R.row(t).data(), static_cast<std::size_t>(R.cols())}, {Y.row(t).data(), static_cast<std::size_t>(Y.cols())},
         gate.empty() ? 1.0 : gate[static_cast<std::size_t>(t)], {Z.row(t).data(), static_cast<std::size_t>(Z.cols())});
  return Z;
}

row_matrix rls_readout::predict(const row_matrix& R) const {
  if (R.cols() != w_.cols()) throw Error("rls_readout.predict: rates have {} columns, need {}", R.cols(), w_.cols());
  return R * w_.transpose();
}

}  // namespace hebb::plasticity
