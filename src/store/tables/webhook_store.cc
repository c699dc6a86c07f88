#include "store/tables/webhook_store.h"

#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "store/database.h"

namespace trainyard::store::webhooks {

using nlohmann::json;

namespace {

const std::vector<std::string>& Migrations() {
  static const std::vector<std::string> kMigrations = {R"sql(
CREATE TABLE notify_endpoints (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  events TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX notify_endpoints_owner ON notify_endpoints(owner_id);
CREATE TABLE notify_deliveries (
  id TEXT PRIMARY KEY,
  endpoint_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  event TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_status_code INTEGER,
  last_error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  delivered_at INTEGER);
CREATE INDEX notify_deliveries_due ON notify_deliveries(status, next_attempt_at);
CREATE INDEX notify_deliveries_endpoint ON notify_deliveries(endpoint_id, created_at);
CREATE TABLE notify_attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id TEXT NOT NULL,
  attempt INTEGER NOT NULL,
  status_code INTEGER,
  error TEXT NOT NULL,
  duration_ms INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX notify_attempts_delivery ON notify_attempts(delivery_id, id);
)sql"};
  return kMigrations;
}

constexpr const char* kEndpointColumns =
    "id, owner_id, url, secret, events, created_at";

WebhookEndpoint ReadEndpoint(const Statement& s, int first = 0) {
  WebhookEndpoint e;
  e.id = s.ColumnText(first);
  e.owner_id = s.ColumnText(first + 1);
  e.url = s.ColumnText(first + 2);
  e.secret = s.ColumnText(first + 3);
  json events = json::parse(s.ColumnText(first + 4), nullptr, false);
  if (events.is_array()) {
    for (const auto& ev : events) {
      if (ev.is_string()) e.events.push_back(ev.get<std::string>());
    }
  }
  e.created_at = s.ColumnInt(first + 5);
  return e;
}

constexpr const char* kDeliveryColumns =
    "d.id, d.endpoint_id, d.owner_id, d.event, d.body, d.status, d.attempts, "
    "d.next_attempt_at, d.last_status_code, d.last_error, d.created_at, "
    "d.delivered_at";

Delivery ReadDelivery(const Statement& s) {
  Delivery d;
  d.id = s.ColumnText(0);
  d.endpoint_id = s.ColumnText(1);
  d.owner_id = s.ColumnText(2);
  d.event = s.ColumnText(3);
  d.body = s.ColumnText(4);
  d.status = s.ColumnText(5);
  d.attempts = static_cast<int>(s.ColumnInt(6));
  d.next_attempt_at = s.ColumnInt(7);
  if (!s.ColumnIsNull(8)) d.last_status_code = static_cast<int>(s.ColumnInt(8));
  d.last_error = s.ColumnText(9);
  d.created_at = s.ColumnInt(10);
  d.delivered_at = s.ColumnOptionalInt(11);
  return d;
}

}  // namespace

Result<std::unique_ptr<WebhookStore>> WebhookStore::Open(Database* db) {
  TY_RETURN_IF_ERROR(db->MigrateComponent("notify", Migrations()));
  return std::unique_ptr<WebhookStore>(new WebhookStore(db));
}

Status WebhookStore::CreateEndpoint(const WebhookEndpoint& e) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s, db_->Prepare(std::string("INSERT INTO notify_endpoints(") +
                                kEndpointColumns + ") VALUES(?,?,?,?,?,?)"));
  s.Bind(1, e.id).Bind(2, e.owner_id).Bind(3, e.url).Bind(4, e.secret);
  s.Bind(5, json(e.events).dump()).Bind(6, e.created_at);
  return s.Run();
}

Result<std::vector<WebhookEndpoint>> WebhookStore::ListEndpoints(
    const std::string& owner_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kEndpointColumns +
                   " FROM notify_endpoints WHERE owner_id = ? ORDER BY "
                   "created_at DESC, rowid DESC"));
  s.Bind(1, owner_id);
  return ReadRows<WebhookEndpoint>(
      s, [](const Statement& r) { return ReadEndpoint(r); });
}

Result<WebhookEndpoint> WebhookStore::GetEndpoint(const std::string& owner_id,
                                                  const std::string& id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kEndpointColumns +
                   " FROM notify_endpoints WHERE id = ? AND owner_id = ?"));
  s.Bind(1, id).Bind(2, owner_id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("webhook '" + id + "' not found");
  return ReadEndpoint(s);
}

Status WebhookStore::DeleteEndpoint(const std::string& owner_id,
                                    const std::string& id) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement s,
        db_->Prepare("DELETE FROM notify_endpoints WHERE id = ? AND "
                     "owner_id = ?"));
    s.Bind(1, id).Bind(2, owner_id);
    TY_RETURN_IF_ERROR(s.Run());
    if (db_->Changes() == 0) {
      return NotFoundError("webhook '" + id + "' not found");
    }
    TY_ASSIGN_OR_RETURN(
        Statement d,
        db_->Prepare("UPDATE notify_deliveries SET status = 'FAILED', "
                     "last_error = 'webhook deleted' WHERE endpoint_id = ? "
                     "AND status = 'PENDING'"));
    d.Bind(1, id);
    return d.Run();
  });
}

Result<int> WebhookStore::Enqueue(const std::string& owner_id,
                                  const std::string& event,
                                  const std::string& data_json,
                                  const std::string& timestamp, int64_t now) {
  TY_ASSIGN_OR_RETURN(std::vector<WebhookEndpoint> endpoints,
                      ListEndpoints(owner_id));
  json data = json::parse(data_json, nullptr, false);
  if (data.is_discarded()) return InternalError("webhook data is not JSON");
  auto lock = db_->Lock();
  int queued = 0;
  Status st = db_->Transaction([&]() -> Status {
    for (const auto& e : endpoints) {
      if (std::find(e.events.begin(), e.events.end(), event) ==
          e.events.end()) {
        continue;
      }
      const std::string id = NewUuidV4();
      json body = {{"event", event},
                   {"data", data},
                   {"timestamp", timestamp},
                   {"delivery_id", id}};
      TY_ASSIGN_OR_RETURN(
          Statement s,
          db_->Prepare("INSERT INTO notify_deliveries(id, endpoint_id, "
                       "owner_id, event, body, status, next_attempt_at, "
                       "created_at) VALUES(?,?,?,?,?,'PENDING',?,?)"));
      s.Bind(1, id).Bind(2, e.id).Bind(3, owner_id).Bind(4, event);
      s.Bind(5, body.dump()).Bind(6, now).Bind(7, now);
      TY_RETURN_IF_ERROR(s.Run());
      ++queued;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return queued;
}

Result<std::vector<std::pair<Delivery, WebhookEndpoint>>>
WebhookStore::ClaimDue(int64_t now, int64_t lease_until, int limit) {
  auto lock = db_->Lock();
  std::vector<std::pair<Delivery, WebhookEndpoint>> claimed;
  // On PostgreSQL the pick locks its rows and skips rows another server's
  // claim holds; SQLite runs one writer at a time.
  const char* skip_locked = db_->backend() == SqlBackend::kPostgres
                                ? " FOR UPDATE OF d SKIP LOCKED"
                                : "";
  Status st = db_->Transaction(
      [&]() -> Status {
        claimed.clear();
        TY_ASSIGN_OR_RETURN(
            Statement s,
            db_->Prepare(std::string("SELECT ") + kDeliveryColumns +
                         ", e.id, e.owner_id, e.url, e.secret, e.events, "
                         "e.created_at FROM notify_deliveries d JOIN "
                         "notify_endpoints e ON e.id = d.endpoint_id WHERE "
                         "d.status = 'PENDING' AND d.next_attempt_at <= ? "
                         "ORDER BY d.next_attempt_at, d.created_at LIMIT ?" +
                         skip_locked));
        s.Bind(1, now).Bind(2, static_cast<int64_t>(limit));
        TY_ASSIGN_OR_RETURN(claimed,
                            (ReadRows<std::pair<Delivery, WebhookEndpoint>>(
                                s, [](const Statement& r) {
                                  return std::make_pair(ReadDelivery(r),
                                                        ReadEndpoint(r, 12));
                                })));
        TY_ASSIGN_OR_RETURN(
            Statement up,
            db_->Prepare("UPDATE notify_deliveries SET next_attempt_at = ? "
                         "WHERE id = ? AND status = 'PENDING'"));
        for (const auto& [delivery, endpoint] : claimed) {
          TY_RETURN_IF_ERROR(up.Reset());
          up.Bind(1, lease_until).Bind(2, delivery.id);
          TY_RETURN_IF_ERROR(up.Run());
        }
        return Status::Ok();
      },
      TxMode::kRowLocks);
  if (!st.ok()) return st;
  return claimed;
}

Status WebhookStore::RecordAttempt(const std::string& delivery_id,
                                   const DeliveryAttempt& a,
                                   const std::string& new_status,
                                   int64_t next_attempt_at) {
  auto lock = db_->Lock();
  return db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement ins,
        db_->Prepare("INSERT INTO notify_attempts(delivery_id, attempt, "
                     "status_code, error, duration_ms, created_at) "
                     "VALUES(?,?,?,?,?,?)"));
    ins.Bind(1, delivery_id).Bind(2, static_cast<int64_t>(a.attempt));
    if (a.status_code) {
      ins.Bind(3, static_cast<int64_t>(*a.status_code));
    } else {
      ins.Bind(3, std::nullopt);
    }
    ins.Bind(4, a.error).Bind(5, a.duration_ms).Bind(6, a.created_at);
    TY_RETURN_IF_ERROR(ins.Run());
    TY_ASSIGN_OR_RETURN(
        Statement up,
        db_->Prepare("UPDATE notify_deliveries SET status = ?, attempts = ?, "
                     "next_attempt_at = ?, last_status_code = ?, last_error "
                     "= ?, delivered_at = ? WHERE id = ?"));
    up.Bind(1, new_status).Bind(2, static_cast<int64_t>(a.attempt));
    up.Bind(3, next_attempt_at);
    if (a.status_code) {
      up.Bind(4, static_cast<int64_t>(*a.status_code));
    } else {
      up.Bind(4, std::nullopt);
    }
    up.Bind(5, a.error);
    if (new_status == kDelivered) {
      up.Bind(6, a.created_at);
    } else {
      up.Bind(6, std::nullopt);
    }
    up.Bind(7, delivery_id);
    return up.Run();
  });
}

Result<std::vector<Delivery>> WebhookStore::Deliveries(
    const std::string& endpoint_id, int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kDeliveryColumns +
                   " FROM notify_deliveries d WHERE d.endpoint_id = ? ORDER "
                   "BY d.created_at DESC, d.id LIMIT ?"));
  s.Bind(1, endpoint_id).Bind(2, limit);
  return ReadRows<Delivery>(s, ReadDelivery);
}

Result<std::vector<DeliveryAttempt>> WebhookStore::Attempts(
    const std::string& delivery_id) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT attempt, status_code, error, duration_ms, "
                   "created_at FROM notify_attempts WHERE delivery_id = ? "
                   "ORDER BY id"));
  s.Bind(1, delivery_id);
  return ReadRows<DeliveryAttempt>(s, [](const Statement& r) {
    DeliveryAttempt a;
    a.attempt = static_cast<int>(r.ColumnInt(0));
    if (!r.ColumnIsNull(1)) a.status_code = static_cast<int>(r.ColumnInt(1));
    a.error = r.ColumnText(2);
    a.duration_ms = r.ColumnInt(3);
    a.created_at = r.ColumnInt(4);
    return a;
  });
}

Result<DeliveryTotals> WebhookStore::Totals() {
  auto lock = db_->Lock();
  DeliveryTotals out;
  {
    TY_ASSIGN_OR_RETURN(Statement s,
                        db_->Prepare("SELECT status, COUNT(*) FROM "
                                     "notify_deliveries GROUP BY status"));
    while (true) {
      TY_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.by_status[s.ColumnText(0)] = s.ColumnInt(1);
    }
  }
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT COUNT(*), COALESCE(SUM(CASE WHEN status_code >= "
                   "200 AND status_code < 300 THEN 0 ELSE 1 END), 0) FROM "
                   "notify_attempts"));
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (row) {
    out.attempts = s.ColumnInt(0);
    out.failed_attempts = s.ColumnInt(1);
  }
  return out;
}

}  // namespace trainyard::store::webhooks
