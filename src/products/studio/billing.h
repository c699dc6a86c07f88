// Pricing of AI Studio compute: each tier's monthly allowance of included
// compute hours, $5.00 per hour beyond it, the credit hold taken when a job is
// queued and its settlement (charge for measured time, refund of the rest).
// Pure arithmetic; the ledger applies the results.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/config.h"
#include "store/user_store.h"

namespace trainyard::studio {

struct StudioSettings {
  int64_t price_per_hour_cents = 500;  // $5.00 per compute hour
  // Included compute hours per calendar month (UTC) by tier; env
  // TRAINYARD_STUDIO_HOURS_FREE / _PRO / _ELITE.
  double hours_free = 1, hours_pro = 100, hours_elite = 500;
  // Platform commission on subscriptions; env TRAINYARD_STUDIO_COMMISSION.
  double commission_rate = 0.10;
  double AllowanceHours(store::Tier tier) const;
};

// The names of the settings above (Config::product_settings).
std::vector<std::string> StudioSettingNames();

// Defaults overridden by the TRAINYARD_STUDIO_* settings of `config`
// (malformed or negative values are ignored).
StudioSettings SettingsFromConfig(const Config& config);

// Cost of `seconds` of compute, rounded up to the next cent.
int64_t CostCents(double seconds, int64_t price_per_hour_cents);

// A conservative estimate of a training's wall time on one core: 15 s of
// set-up plus 2 µs per row x tree x class-group x (CV folds + 1). (Measured
// about 0.3-1 µs on a busy 2-core machine; see docs/ai-studio.md.)
double EstimateTrainingSeconds(int64_t rows, int64_t trees, int64_t groups,
                               int64_t folds);

// Credits held when a job is queued: the estimate beyond the included
// seconds still free this month.
int64_t HoldCents(double estimated_seconds, double free_seconds,
                  int64_t price_per_hour_cents);

struct Settlement {
  int64_t charged_cents = 0;
  int64_t refund_cents = 0;
};

// Charge for `compute_seconds` beyond `free_seconds`, never more than the
// hold; the rest of the hold is refunded. A failed training is not charged.
Settlement Settle(int64_t hold_cents, double compute_seconds,
                  double free_seconds, int64_t price_per_hour_cents,
                  bool failed);

// [start, end) in unix ms of the UTC calendar month containing `now_ms`.
std::pair<int64_t, int64_t> MonthBounds(int64_t now_ms);

}  // namespace trainyard::studio
