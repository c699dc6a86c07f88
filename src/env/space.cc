#include "env/space.h"

#include <cassert>
#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace trainyard::env {
namespace {

bool IsIntegral(float v) { return std::isfinite(v) && std::floor(v) == v; }

// numpy-like rendering of one float: "-1.0", "2.4", "inf", "-inf".
std::string FormatFloat(float v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  // Shortest text that reads back as the same float32, like numpy's repr.
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  std::string s(buf, ec == std::errc() ? end : buf);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

std::string FormatFloats(const std::vector<float>& v) {
  bool all_same = true;
  for (float x : v) all_same = all_same && (x == v.front());
  if (all_same && !v.empty()) return FormatFloat(v.front());
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) s += " ";
    s += FormatFloat(v[i]);
  }
  return s + "]";
}

std::string FormatShape(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

}  // namespace

Space Space::Box(std::vector<float> low, std::vector<float> high,
                 std::vector<int64_t> shape) {
  assert(low.size() == high.size());
  Space s;
  s.kind_ = Kind::kBox;
  s.flat_size_ = static_cast<int64_t>(low.size());
  s.shape_ =
      shape.empty() ? std::vector<int64_t>{s.flat_size_} : std::move(shape);
#ifndef NDEBUG
  int64_t product = 1;
  for (int64_t d : s.shape_) product *= d;
  assert(product == s.flat_size_);
  for (size_t i = 0; i < low.size(); ++i) assert(low[i] <= high[i]);
#endif
  s.low_ = std::move(low);
  s.high_ = std::move(high);
  return s;
}

Space Space::Box(float low, float high, int64_t dim) {
  return Box(std::vector<float>(dim, low), std::vector<float>(dim, high),
             {dim});
}

Space Space::Discrete(int64_t n, int64_t start) {
  assert(n > 0);
  Space s;
  s.kind_ = Kind::kDiscrete;
  s.flat_size_ = 1;
  s.n_ = n;
  s.start_ = start;
  return s;
}

Space Space::MultiDiscrete(std::vector<int64_t> nvec) {
  Space s;
  s.kind_ = Kind::kMultiDiscrete;
  s.flat_size_ = static_cast<int64_t>(nvec.size());
  s.shape_ = {s.flat_size_};
  for ([[maybe_unused]] int64_t n : nvec) assert(n > 0);
  s.nvec_ = std::move(nvec);
  return s;
}

bool Space::Contains(std::span<const float> x) const {
  if (static_cast<int64_t>(x.size()) != flat_size_) return false;
  switch (kind_) {
    case Kind::kBox:
      for (int64_t i = 0; i < flat_size_; ++i) {
        // Written so that NaN fails both comparisons.
        if (!(x[i] >= low_[i] && x[i] <= high_[i])) return false;
      }
      return true;
    case Kind::kDiscrete:
      return IsIntegral(x[0]) && x[0] >= static_cast<float>(start_) &&
             x[0] < static_cast<float>(start_ + n_);
    case Kind::kMultiDiscrete:
      for (int64_t i = 0; i < flat_size_; ++i) {
        if (!IsIntegral(x[i]) || x[i] < 0.0f ||
            x[i] >= static_cast<float>(nvec_[i])) {
          return false;
        }
      }
      return true;
  }
  return false;
}

void Space::Sample(Rng& rng, std::span<float> out) const {
  assert(static_cast<int64_t>(out.size()) == flat_size_);
  switch (kind_) {
    case Kind::kBox:
      // Gymnasium's Box.sample: uniform where both bounds are finite,
      // normal where neither is, shifted exponential where only one is.
      for (int64_t i = 0; i < flat_size_; ++i) {
        const bool lo = std::isfinite(low_[i]), hi = std::isfinite(high_[i]);
        double v;
        if (lo && hi) {
          v = rng.Uniform(low_[i], high_[i]);
        } else if (!lo && !hi) {
          v = rng.Normal();
        } else if (lo) {
          v = low_[i] + rng.Exponential(1.0);
        } else {
          v = high_[i] - rng.Exponential(1.0);
        }
        float f = static_cast<float>(v);
        // Rounding to float32 may land exactly on (or past) a bound.
        if (lo && f < low_[i]) f = low_[i];
        if (hi && f > high_[i]) f = high_[i];
        out[i] = f;
      }
      return;
    case Kind::kDiscrete:
      out[0] =
          static_cast<float>(start_ + static_cast<int64_t>(rng.UniformInt(n_)));
      return;
    case Kind::kMultiDiscrete:
      for (int64_t i = 0; i < flat_size_; ++i) {
        out[i] = static_cast<float>(rng.UniformInt(nvec_[i]));
      }
      return;
  }
}

std::string Space::ToString() const {
  switch (kind_) {
    case Kind::kBox:
      return "Box(" + FormatFloats(low_) + ", " + FormatFloats(high_) + ", " +
             FormatShape(shape_) + ", float32)";
    case Kind::kDiscrete:
      if (start_ != 0) {
        return "Discrete(" + std::to_string(n_) +
               ", start=" + std::to_string(start_) + ")";
      }
      return "Discrete(" + std::to_string(n_) + ")";
    case Kind::kMultiDiscrete: {
      std::string s = "MultiDiscrete([";
      for (size_t i = 0; i < nvec_.size(); ++i) {
        if (i > 0) s += " ";
        s += std::to_string(nvec_[i]);
      }
      return s + "])";
    }
  }
  return "";
}

}  // namespace trainyard::env
