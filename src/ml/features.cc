#include "ml/features.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace trainyard::ml {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Column = std::vector<double>;

Column Returns(const Column& close, int h) {
  Column out(close.size(), kNaN);
  for (size_t t = h; t < close.size(); ++t) {
    out[t] = close[t] / close[t - h] - 1.0;
  }
  return out;
}

// Sample (n-1) standard deviation of the last n daily returns.
Column Volatility(const Column& close, int n) {
  const Column r = Returns(close, 1);
  Column out(close.size(), kNaN);
  for (size_t t = n; t < close.size(); ++t) {
    double mean = 0;
    for (size_t k = t + 1 - n; k <= t; ++k) mean += r[k];
    mean /= n;
    double ss = 0;
    for (size_t k = t + 1 - n; k <= t; ++k) ss += (r[k] - mean) * (r[k] - mean);
    out[t] = std::sqrt(ss / (n - 1));
  }
  return out;
}

// signal line of MACD(12, 26, 9), divided by the close.
Column MacdSignal(const Column& close) {
  const Column fast = Ema(close, 12);
  const Column slow = Ema(close, 26);
  Column macd(close.size(), kNaN);
  for (size_t t = 25; t < close.size(); ++t) macd[t] = fast[t] - slow[t];
  const Column signal = Ema(macd, 9, 25);
  Column out(close.size(), kNaN);
  for (size_t t = 0; t < close.size(); ++t) out[t] = signal[t] / close[t];
  return out;
}

// Population standard deviation (divide by n), 2 sigma bands.
Column BollingerPosition(const Column& close, int n) {
  const Column mid = Sma(close, n);
  Column out(close.size(), kNaN);
  for (size_t t = n - 1; t < close.size(); ++t) {
    double ss = 0;
    for (size_t k = t + 1 - n; k <= t; ++k) {
      ss += (close[k] - mid[t]) * (close[k] - mid[t]);
    }
    const double sd = std::sqrt(ss / n);
    const double lower = mid[t] - 2 * sd, upper = mid[t] + 2 * sd;
    out[t] = upper > lower ? (close[t] - lower) / (upper - lower) : 0.5;
  }
  return out;
}

Column VolumeMaRatio(const Column& volume, int n) {
  const Column ma = Sma(volume, n);
  Column out(volume.size(), kNaN);
  for (size_t t = n - 1; t < volume.size(); ++t) {
    if (ma[t] > 0) out[t] = volume[t] / ma[t];
  }
  return out;
}

Column PriceMaRatio(const Column& close, int n) {
  const Column ma = Sma(close, n);
  Column out(close.size(), kNaN);
  for (size_t t = n - 1; t < close.size(); ++t) out[t] = close[t] / ma[t];
  return out;
}

// Wilder ATR(n) divided by the close.
Column AtrRatio(const OhlcvSeries& s, int n) {
  const size_t size = s.size();
  Column out(size, kNaN);
  if (size <= static_cast<size_t>(n)) return out;
  Column tr(size, kNaN);
  for (size_t t = 1; t < size; ++t) {
    const double pc = s.close[t - 1];
    tr[t] = std::max({s.high[t] - s.low[t], std::fabs(s.high[t] - pc),
                      std::fabs(s.low[t] - pc)});
  }
  double atr = 0;
  for (int t = 1; t <= n; ++t) atr += tr[t];
  atr /= n;
  out[n] = atr / s.close[n];
  for (size_t t = n + 1; t < size; ++t) {
    atr = (atr * (n - 1) + tr[t]) / n;
    out[t] = atr / s.close[t];
  }
  return out;
}

Column Obv(const OhlcvSeries& s) {
  Column out(s.size(), kNaN);
  if (s.size() == 0) return out;
  double obv = 0;
  out[0] = 0;
  for (size_t t = 1; t < s.size(); ++t) {
    if (s.close[t] > s.close[t - 1]) obv += s.volume[t];
    if (s.close[t] < s.close[t - 1]) obv -= s.volume[t];
    out[t] = obv;
  }
  return out;
}

Column Compute(const std::string& name, const OhlcvSeries& s) {
  if (name == "rsi_14") return WilderRsi(s.close, 14);
  if (name == "macd_signal") return MacdSignal(s.close);
  if (name == "bollinger_position") return BollingerPosition(s.close, 20);
  if (name == "volume_ma_ratio") return VolumeMaRatio(s.volume, 20);
  if (name == "price_ma_50_ratio") return PriceMaRatio(s.close, 50);
  if (name == "return_1d") return Returns(s.close, 1);
  if (name == "return_5d") return Returns(s.close, 5);
  if (name == "return_20d") return Returns(s.close, 20);
  if (name == "volatility_20") return Volatility(s.close, 20);
  if (name == "atr_14") return AtrRatio(s, 14);
  return Obv(s);  // "obv"; names are validated before we get here
}

std::string ValidNames() {
  std::string out;
  for (const auto& f : AllFeatures()) {
    if (!out.empty()) out += ", ";
    out += f.name;
  }
  return out;
}

}  // namespace

const std::vector<FeatureInfo>& AllFeatures() {
  static const std::vector<FeatureInfo> kFeatures = {
      {"rsi_14", "14-period Relative Strength Index (Wilder smoothing)", 14,
       false},
      {"macd_signal",
       "MACD signal line (EMA9 of EMA12 - EMA26) divided by the close", 33,
       false},
      {"bollinger_position",
       "Position of the close within the 20-day 2-sigma Bollinger Bands", 19,
       false},
      {"volume_ma_ratio", "Volume divided by its 20-day mean", 19, true},
      {"price_ma_50_ratio", "Close divided by its 50-day simple moving average",
       49, false},
      {"return_1d", "1-day simple return of the close", 1, false},
      {"return_5d", "5-day simple return of the close", 5, false},
      {"return_20d", "20-day simple return of the close", 20, false},
      {"volatility_20",
       "Sample standard deviation of the last 20 daily returns", 20, false},
      {"atr_14", "14-period Average True Range (Wilder) divided by the close",
       14, false},
      {"obv", "On-Balance Volume (cumulative signed volume)", 0, true},
  };
  return kFeatures;
}

const FeatureInfo* FindFeature(const std::string& name) {
  for (const auto& f : AllFeatures()) {
    if (name == f.name) return &f;
  }
  return nullptr;
}

std::string DescribeModelInput(const std::string& input) {
  if (const FeatureInfo* f = FindFeature(input)) return f->description;
  const size_t lag = input.rfind("_lag");
  if (lag == std::string::npos) return "";
  const FeatureInfo* f = FindFeature(input.substr(0, lag));
  const std::string k = input.substr(lag + 4);
  if (f == nullptr || k.empty() ||
      k.find_first_not_of("0123456789") != std::string::npos) {
    return "";
  }
  return std::string(f->description) + ", " + k +
         (k == "1" ? " day" : " days") + " earlier";
}

Status ValidateFeatureNames(const std::vector<std::string>& names) {
  if (names.empty()) {
    return ValidationError("at least one feature is required",
                           {{"features",
                             "This field is required; valid "
                             "features: " +
                                 ValidNames()}});
  }
  std::vector<FieldError> details;
  std::set<std::string> seen;
  for (const auto& name : names) {
    if (FindFeature(name) == nullptr) {
      details.push_back({"features", "unknown feature '" + name +
                                         "'; valid features: " + ValidNames()});
    } else if (!seen.insert(name).second) {
      details.push_back({"features", "feature '" + name + "' is repeated"});
    }
  }
  if (details.empty()) return Status::Ok();
  const std::string first = details[0].message;
  return ValidationError("invalid features: " + first, std::move(details));
}

Result<FeatureColumns> ComputeFeatures(const OhlcvSeries& series,
                                       const std::vector<std::string>& names) {
  TY_RETURN_IF_ERROR(ValidateFeatureNames(names));
  FeatureColumns out;
  for (const auto& name : names) {
    if (FindFeature(name)->needs_volume && !series.has_volume) {
      return ValidationError(
          "feature '" + name + "' needs volume, which " + series.symbol +
              " does not have",
          {{"features", "'" + name + "' requires a volume column"}});
    }
    out.names.push_back(name);
    out.values.push_back(Compute(name, series));
  }
  return out;
}

std::vector<double> Sma(const std::vector<double>& x, int n) {
  Column out(x.size(), kNaN);
  double sum = 0;
  for (size_t t = 0; t < x.size(); ++t) {
    sum += x[t];
    if (t >= static_cast<size_t>(n)) sum -= x[t - n];
    // Re-sum now and then so rounding errors of the running sum stay bounded.
    if (t >= static_cast<size_t>(n) && t % 1024 == 0) {
      sum = 0;
      for (size_t k = t + 1 - n; k <= t; ++k) sum += x[k];
    }
    if (t + 1 >= static_cast<size_t>(n)) out[t] = sum / n;
  }
  return out;
}

std::vector<double> Ema(const std::vector<double>& x, int n, int start) {
  Column out(x.size(), kNaN);
  const size_t seed_at = static_cast<size_t>(start) + n - 1;
  if (x.size() <= seed_at) return out;
  double ema = 0;
  for (size_t t = start; t <= seed_at; ++t) ema += x[t];
  ema /= n;
  out[seed_at] = ema;
  const double alpha = 2.0 / (n + 1);
  for (size_t t = seed_at + 1; t < x.size(); ++t) {
    ema = alpha * x[t] + (1 - alpha) * ema;
    out[t] = ema;
  }
  return out;
}

std::vector<double> WilderRsi(const std::vector<double>& close, int n) {
  Column out(close.size(), kNaN);
  if (close.size() <= static_cast<size_t>(n)) return out;
  auto rsi = [](double gain, double loss) {
    if (loss == 0) return gain == 0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + gain / loss);
  };
  double gain = 0, loss = 0;
  for (int t = 1; t <= n; ++t) {
    const double d = close[t] - close[t - 1];
    gain += std::max(d, 0.0);
    loss += std::max(-d, 0.0);
  }
  gain /= n;
  loss /= n;
  out[n] = rsi(gain, loss);
  for (size_t t = n + 1; t < close.size(); ++t) {
    const double d = close[t] - close[t - 1];
    gain = (gain * (n - 1) + std::max(d, 0.0)) / n;
    loss = (loss * (n - 1) + std::max(-d, 0.0)) / n;
    out[t] = rsi(gain, loss);
  }
  return out;
}

}  // namespace trainyard::ml
