// Delivers queued webhooks: POSTs each pending delivery's body to its
// endpoint with X-Sharewise-Event, X-Sharewise-Delivery and
// X-Sharewise-Signature (hex HMAC-SHA256 of the raw body with the endpoint's
// secret); 2xx is success, anything else is retried with exponential backoff
// until max_attempts, every attempt logged. One deliverer per database.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "notify/webhook_store.h"

namespace trainyard::notify {

struct DeliveryOptions {
  int max_attempts = 8;
  // Retry n waits base_delay_ms * 2^(n-1), at most max_delay_ms.
  int64_t base_delay_ms = 1000;
  int64_t max_delay_ms = 3'600'000;
  int timeout_ms = 5000;  // connect + read
  int poll_ms = 250;      // how often the background loop looks for work
};

// Defaults overridden by TRAINYARD_WEBHOOK_RETRY_BASE_MS,
// TRAINYARD_WEBHOOK_MAX_DELAY_MS and TRAINYARD_WEBHOOK_MAX_ATTEMPTS when set
// to positive integers.
DeliveryOptions DeliveryOptionsFromEnvironment();

// The signature header value for `body`: lower-case hex HMAC-SHA256.
std::string SignBody(const std::string& secret, const std::string& body);

// Delay before retry number `attempt` (1-based attempts already made).
int64_t RetryDelayMs(const DeliveryOptions& options, int attempts_made);

// Thread-safe. Pointers are not owned.
class WebhookDeliverer {
 public:
  WebhookDeliverer(WebhookStore* store, const Clock* clock,
                   DeliveryOptions options)
      : store_(store), clock_(clock), options_(options) {}
  ~WebhookDeliverer() { Stop(); }

  // Attempts every delivery due now once. Returns how many were attempted.
  Result<int> DeliverDue();
  // Runs DeliverDue in a background thread until Stop().
  void Start();
  void Stop();
  // Makes the background loop look for work now.
  void Wake();

 private:
  void Loop();
  void Attempt(const Delivery& delivery, const WebhookEndpoint& endpoint);
  WebhookStore* store_;
  const Clock* clock_;
  DeliveryOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool wake_ = false;
  std::thread thread_;
};

}  // namespace trainyard::notify
