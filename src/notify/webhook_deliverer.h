// Delivers queued webhooks: POSTs each pending delivery's body to its
// endpoint over HTTP or HTTPS (certificates verified against the system's
// CAs or a configured CA file) with X-Sharewise-Event, X-Sharewise-Delivery
// and X-Sharewise-Signature (hex HMAC-SHA256 of the raw body with the
// endpoint's secret); 2xx is success, anything else is retried with
// exponential backoff until max_attempts, every attempt logged. Each attempt
// resolves the host, refuses addresses the AddressPolicy does not allow
// (loopback, private, link-local, ...; that delivery fails at once) and
// connects to exactly the address it checked; redirects are not followed.
// One deliverer per database.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

#include "core/clock.h"
#include "core/config.h"
#include "notify/address_policy.h"
#include "notify/host_resolver.h"
#include "notify/webhook_store.h"

namespace trainyard::notify {

struct DeliveryOptions {
  int max_attempts = 8;
  // Retry n waits base_delay_ms * 2^(n-1), at most max_delay_ms.
  int64_t base_delay_ms = 1000;
  int64_t max_delay_ms = 3'600'000;
  int timeout_ms = 5000;  // connect + read
  int poll_ms = 250;      // how often the background loop looks for work
  // Which resolved addresses may be reached (public ones by default).
  AddressPolicy policy;
  // PEM file of the CAs that https:// receivers are verified against;
  // empty: the system's CA bundle.
  std::string ca_file;
  // Resolves receivers' names; null: SystemHostResolver(). Not owned; must
  // outlive the deliverer.
  const HostResolver* resolver = nullptr;
};

// The options `config` asks for (webhook_* fields). VALIDATION_ERROR
// naming TRAINYARD_WEBHOOK_ALLOW_CIDRS for a bad range, or
// TRAINYARD_WEBHOOK_CA_FILE when that file does not exist.
Result<DeliveryOptions> DeliveryOptionsFromConfig(const Config& config);

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

  // Attempts every delivery due now once, each claimed from the shared
  // outbox first (WebhookStore::ClaimDue) so that other servers skip it.
  // Returns how many were attempted.
  Result<int> DeliverDue();
  // The registration-time check of a receiver URL (CheckWebhookUrl with
  // this deliverer's resolver and policy): VALIDATION_ERROR naming `field`
  // when it is malformed or reaches only refused addresses.
  Status CheckUrl(const std::string& url, const std::string& field) const;
  // Runs DeliverDue in a background thread until Stop().
  void Start();
  void Stop();
  // Makes the background loop look for work now.
  void Wake();

 private:
  void Loop();
  void Attempt(const Delivery& delivery, const WebhookEndpoint& endpoint);
  // One POST of `delivery` to `endpoint`; fills `attempt` (status code or
  // error) and sets *permanent when retrying cannot help.
  void Send(const Delivery& delivery, const WebhookEndpoint& endpoint,
            DeliveryAttempt* attempt, bool* permanent) const;
  const HostResolver& resolver() const {
    return options_.resolver ? *options_.resolver : *SystemHostResolver();
  }
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
