// The periodic auto-renewal sweep of marketplace subscriptions: a background
// thread of the server that renews (or expires) every subscription whose
// month ended, so auto-renewal does not wait for the subscriber's next use.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include "core/config.h"
#include "products/studio/subscriptions.h"

namespace trainyard::studio {

// The setting naming the sweep interval in seconds (Config::product_settings).
inline constexpr const char* kRenewalIntervalSetting =
    "TRAINYARD_STUDIO_RENEWAL_INTERVAL_S";

// Sweep interval from `config`'s kRenewalIntervalSetting (default 600 s, also
// for a value outside [0.01, 86400]; renewals are by calendar day, so
// minutes of delay do not matter).
int64_t RenewalIntervalMs(const Config& config);

// Thread-safe. `ctx` must outlive the scheduler. Run one per database (the
// server; a renewal is claimed in the database, so a second one would only
// find nothing to do).
class RenewalScheduler {
 public:
  RenewalScheduler(StudioContext* ctx, int64_t interval_ms)
      : ctx_(ctx), interval_ms_(interval_ms) {}
  ~RenewalScheduler() { Stop(); }

  // Sweeps once now, then every interval until Stop(). REQUIRES: not
  // started.
  void Start();
  // Wakes and joins the thread. Idempotent.
  void Stop();
  // One sweep for the clock's current UTC day (what the thread runs).
  Result<RenewalSweepResult> RunOnce();

 private:
  void Loop();

  StudioContext* ctx_;
  const int64_t interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace trainyard::studio
