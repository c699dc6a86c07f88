// Persistent webhooks: endpoints (URL + secret per user and the events they
// want) and an outbox of deliveries with their attempt log. Events are
// written to the outbox in the database first, so a receiver that is down,
// or a server restart, loses nothing: the deliverer (webhook_deliverer.h)
// retries from here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {
class Database;
}  // namespace trainyard::store

namespace trainyard::store::webhooks {

struct WebhookEndpoint {
  std::string id;  // UUIDv4
  std::string owner_id;
  std::string url;
  std::string secret;               // HMAC-SHA256 key
  std::vector<std::string> events;  // event names it receives
  int64_t created_at = 0;
};

// Delivery states.
inline constexpr const char* kPending = "PENDING";
inline constexpr const char* kDelivered = "DELIVERED";
inline constexpr const char* kFailed = "FAILED";

struct Delivery {
  std::string id;  // UUIDv4; sent as X-Sharewise-Delivery for idempotency
  std::string endpoint_id;
  std::string owner_id;
  std::string event;
  std::string body;  // the exact bytes that are signed and sent
  std::string status = kPending;
  int attempts = 0;
  int64_t next_attempt_at = 0;
  std::optional<int> last_status_code;
  std::string last_error;
  int64_t created_at = 0;
  std::optional<int64_t> delivered_at;
};

struct DeliveryAttempt {
  int attempt = 0;
  std::optional<int> status_code;
  std::string error;
  int64_t duration_ms = 0;
  int64_t created_at = 0;
};

// Delivery figures over every owner, for GET /metrics.
struct DeliveryTotals {
  std::map<std::string, int64_t> by_status;  // kPending/kDelivered/kFailed
  int64_t attempts = 0;
  int64_t failed_attempts = 0;  // attempts without a 2xx answer
};

// Thread-safe and safe across processes sharing the database.
class WebhookStore {
 public:
  // Applies the "notify" component migrations on `db` (not owned).
  static Result<std::unique_ptr<WebhookStore>> Open(Database* db);

  Status CreateEndpoint(const WebhookEndpoint& endpoint);
  // The owner's endpoints, newest first.
  Result<std::vector<WebhookEndpoint>> ListEndpoints(
      const std::string& owner_id);
  // NOT_FOUND unless the endpoint exists and belongs to `owner_id`.
  Result<WebhookEndpoint> GetEndpoint(const std::string& owner_id,
                                      const std::string& id);
  // Deletes the endpoint and its pending deliveries. NOT_FOUND as above.
  Status DeleteEndpoint(const std::string& owner_id, const std::string& id);

  // Queues `event` for every endpoint of `owner_id` that wants it. The body
  // is {"event", "data": <data_json>, "timestamp", "delivery_id"}. Returns
  // the number of deliveries queued.
  Result<int> Enqueue(const std::string& owner_id, const std::string& event,
                      const std::string& data_json,
                      const std::string& timestamp, int64_t now);
  // Claims up to `limit` pending deliveries due at `now`, oldest first,
  // with their endpoint: each one's next_attempt_at moves to `lease_until`
  // in the same transaction, so other deliverers on the database (every API
  // server runs one) skip it and each event is sent once. RecordAttempt
  // then sets its real state; a deliverer that dies mid-attempt leaves it
  // to be claimed again at lease_until. REQUIRES: lease_until > now.
  Result<std::vector<std::pair<Delivery, WebhookEndpoint>>> ClaimDue(
      int64_t now, int64_t lease_until, int limit);
  // Records an attempt and the delivery's new state: delivered, failed
  // (no more retries) or pending until `next_attempt_at`.
  Status RecordAttempt(const std::string& delivery_id,
                       const DeliveryAttempt& attempt,
                       const std::string& new_status, int64_t next_attempt_at);
  // An endpoint's deliveries, newest first.
  Result<std::vector<Delivery>> Deliveries(const std::string& endpoint_id,
                                           int64_t limit);
  // A delivery's attempts, oldest first.
  Result<std::vector<DeliveryAttempt>> Attempts(const std::string& delivery_id);
  // Deliveries by status and attempts, over every owner.
  Result<DeliveryTotals> Totals();

 private:
  explicit WebhookStore(Database* db) : db_(db) {}
  Database* db_;
};

}  // namespace trainyard::store::webhooks
