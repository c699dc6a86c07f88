#include "products/studio/billing.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "ml/calendar.h"

namespace trainyard::studio {

namespace {

constexpr int64_t kMsPerDay = 86'400'000;

constexpr const char* kHoursFree = "TRAINYARD_STUDIO_HOURS_FREE";
constexpr const char* kHoursPro = "TRAINYARD_STUDIO_HOURS_PRO";
constexpr const char* kHoursElite = "TRAINYARD_STUDIO_HOURS_ELITE";
constexpr const char* kCommission = "TRAINYARD_STUDIO_COMMISSION";

void ReadSetting(const Config& config, const char* name, double* out) {
  const std::string text = config.ProductSetting(name);
  if (text.empty()) return;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != nullptr && *end == '\0' && std::isfinite(v) && v >= 0) *out = v;
}

}  // namespace

double StudioSettings::AllowanceHours(store::Tier tier) const {
  switch (tier) {
    case store::Tier::kFree:
      return hours_free;
    case store::Tier::kPro:
      return hours_pro;
    case store::Tier::kElite:
      return hours_elite;
  }
  return hours_free;
}

std::vector<std::string> StudioSettingNames() {
  return {kHoursFree, kHoursPro, kHoursElite, kCommission};
}

StudioSettings SettingsFromConfig(const Config& config) {
  StudioSettings s;
  ReadSetting(config, kHoursFree, &s.hours_free);
  ReadSetting(config, kHoursPro, &s.hours_pro);
  ReadSetting(config, kHoursElite, &s.hours_elite);
  ReadSetting(config, kCommission, &s.commission_rate);
  s.commission_rate = std::min(s.commission_rate, 1.0);
  return s;
}

int64_t CostCents(double seconds, int64_t price_per_hour_cents) {
  if (!(seconds > 0)) return 0;
  const double cents =
      seconds * static_cast<double>(price_per_hour_cents) / 3600.0;
  // The epsilon keeps exact multiples (3600 s -> 500) from rounding up.
  return static_cast<int64_t>(std::ceil(cents - 1e-9));
}

double EstimateTrainingSeconds(int64_t rows, int64_t trees, int64_t groups,
                               int64_t folds) {
  return 15.0 + 2e-6 * static_cast<double>(rows) * static_cast<double>(trees) *
                    static_cast<double>(groups) *
                    static_cast<double>(std::max<int64_t>(folds, 0) + 1);
}

int64_t HoldCents(double estimated_seconds, double free_seconds,
                  int64_t price_per_hour_cents) {
  return CostCents(
      std::max(0.0, estimated_seconds - std::max(0.0, free_seconds)),
      price_per_hour_cents);
}

Settlement Settle(int64_t hold_cents, double compute_seconds,
                  double free_seconds, int64_t price_per_hour_cents,
                  bool failed) {
  Settlement s;
  if (!failed) {
    const double billable =
        std::max(0.0, compute_seconds - std::max(0.0, free_seconds));
    s.charged_cents =
        std::min(hold_cents, CostCents(billable, price_per_hour_cents));
  }
  s.refund_cents = hold_cents - s.charged_cents;
  return s;
}

std::pair<int64_t, int64_t> MonthBounds(int64_t now_ms) {
  const ml::DayNumber today =
      now_ms >= 0 ? now_ms / kMsPerDay : (now_ms - kMsPerDay + 1) / kMsPerDay;
  const std::string date = ml::FormatDate(today);
  int year = std::stoi(date.substr(0, 4));
  int month = std::stoi(date.substr(5, 2));
  auto first_of = [](int y, int m) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-01", y, m);
    return *ml::ParseDate(buf);
  };
  const ml::DayNumber start = first_of(year, month);
  const ml::DayNumber end =
      month == 12 ? first_of(year + 1, 1) : first_of(year, month + 1);
  return {start * kMsPerDay, end * kMsPerDay};
}

}  // namespace trainyard::studio
