#include "env/running_mean_std.h"

#include <cassert>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

namespace trainyard::env {
namespace {

constexpr char kMagic[8] = {'T', 'Y', 'R', 'M', 'S', '1', '\0', '\0'};

void AppendU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

void AppendDouble(std::string& out, double d) {
  uint64_t bits;
  std::memcpy(&bits, &d, sizeof bits);
  AppendU64(out, bits);
}

uint64_t ReadU64(std::string_view bytes, size_t offset) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[offset + i]))
         << (8 * i);
  }
  return v;
}

double ReadDouble(std::string_view bytes, size_t offset) {
  const uint64_t bits = ReadU64(bytes, offset);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

bool ValidMoments(const RunningMeanStd& rms) {
  if (!(rms.count() > 0) || !std::isfinite(rms.count())) return false;
  for (int64_t i = 0; i < rms.dim(); ++i) {
    if (!std::isfinite(rms.mean()[i]) || !(rms.var()[i] >= 0) ||
        !std::isfinite(rms.var()[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

RunningMeanStd::RunningMeanStd(int64_t dim, double epsilon)
    : mean_(dim, 0.0), var_(dim, 1.0), count_(epsilon) {
  assert(dim > 0 && epsilon > 0);
}

void RunningMeanStd::Update(std::span<const float> x) { MergeOne(x); }

void RunningMeanStd::Update(std::span<const double> x) { MergeOne(x); }

template <typename T>
void RunningMeanStd::MergeOne(std::span<const T> x) {
  assert(static_cast<int64_t>(x.size()) == dim());
  // A batch of one has mean x and variance 0.
  const double tot = count_ + 1.0;
  for (int64_t i = 0; i < dim(); ++i) {
    const double delta = static_cast<double>(x[i]) - mean_[i];
    mean_[i] += delta / tot;
    var_[i] = (var_[i] * count_ + delta * delta * count_ / tot) / tot;
  }
  count_ = tot;
}

void RunningMeanStd::UpdateBatch(std::span<const float> x, int64_t rows) {
  assert(rows > 0 && static_cast<int64_t>(x.size()) == rows * dim());
  const double n = static_cast<double>(rows);
  const double tot = count_ + n;
  for (int64_t i = 0; i < dim(); ++i) {
    double sum = 0.0;
    for (int64_t r = 0; r < rows; ++r) sum += x[r * dim() + i];
    const double batch_mean = sum / n;
    double sq = 0.0;
    for (int64_t r = 0; r < rows; ++r) {
      const double d = x[r * dim() + i] - batch_mean;
      sq += d * d;
    }
    const double batch_var = sq / n;
    const double delta = batch_mean - mean_[i];
    mean_[i] += delta * n / tot;
    var_[i] =
        (var_[i] * count_ + batch_var * n + delta * delta * count_ * n / tot) /
        tot;
  }
  count_ = tot;
}

void RunningMeanStd::UpdateFromMoments(std::span<const double> batch_mean,
                                       std::span<const double> batch_var,
                                       double batch_count) {
  assert(static_cast<int64_t>(batch_mean.size()) == dim());
  assert(static_cast<int64_t>(batch_var.size()) == dim());
  const double tot = count_ + batch_count;
  for (int64_t i = 0; i < dim(); ++i) {
    const double delta = batch_mean[i] - mean_[i];
    mean_[i] += delta * batch_count / tot;
    const double m2 = var_[i] * count_ + batch_var[i] * batch_count +
                      delta * delta * count_ * batch_count / tot;
    var_[i] = m2 / tot;
  }
  count_ = tot;
}

std::string RunningMeanStd::Serialize() const {
  std::string out(kMagic, sizeof kMagic);
  AppendU64(out, static_cast<uint64_t>(dim()));
  AppendDouble(out, count_);
  for (double m : mean_) AppendDouble(out, m);
  for (double v : var_) AppendDouble(out, v);
  return out;
}

Result<RunningMeanStd> RunningMeanStd::Deserialize(std::string_view bytes) {
  const Status bad = ValidationError(
      "running statistics are corrupt or not in the TYRMS1 format");
  if (bytes.size() < 24 || std::memcmp(bytes.data(), kMagic, 8) != 0) {
    return bad;
  }
  const uint64_t dim = ReadU64(bytes, 8);
  if (dim == 0 || dim > (1u << 24) || bytes.size() != 24 + 16 * dim) {
    return bad;
  }
  RunningMeanStd rms(static_cast<int64_t>(dim));
  rms.count_ = ReadDouble(bytes, 16);
  for (uint64_t i = 0; i < dim; ++i) {
    rms.mean_[i] = ReadDouble(bytes, 24 + 8 * i);
    rms.var_[i] = ReadDouble(bytes, 24 + 8 * (dim + i));
  }
  if (!ValidMoments(rms)) return bad;
  return rms;
}

std::string RunningMeanStd::ToJson() const {
  nlohmann::json j;
  j["count"] = count_;
  j["mean"] = mean_;
  j["var"] = var_;
  return j.dump();
}

Result<RunningMeanStd> RunningMeanStd::FromJson(std::string_view json) {
  const nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("count") ||
      !j.contains("mean") || !j.contains("var") || !j["count"].is_number() ||
      !j["mean"].is_array() || !j["var"].is_array() ||
      j["mean"].size() != j["var"].size() || j["mean"].empty()) {
    return ValidationError(
        "running statistics JSON needs count, mean[] and var[] of equal size");
  }
  RunningMeanStd rms(static_cast<int64_t>(j["mean"].size()));
  rms.count_ = j["count"].get<double>();
  for (size_t i = 0; i < j["mean"].size(); ++i) {
    if (!j["mean"][i].is_number() || !j["var"][i].is_number()) {
      return ValidationError("running statistics JSON has a non-number");
    }
    rms.mean_[i] = j["mean"][i].get<double>();
    rms.var_[i] = j["var"][i].get<double>();
  }
  if (!ValidMoments(rms)) {
    return ValidationError("running statistics JSON has invalid moments");
  }
  return rms;
}

}  // namespace trainyard::env
