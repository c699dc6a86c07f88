#include "store/tables/studio_tables.h"

#include <string>
#include <vector>

#include "store/database.h"

namespace trainyard::store::studio {

namespace {

// Never edit a shipped migration: append a new one.
const std::vector<std::string>& StudioMigrations() {
  // Money is stored in integer cents (1 credit = $1.00) so sums are exact.
  static const std::vector<std::string> kMigrations = {
      R"sql(
CREATE TABLE studio_models (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  model_type TEXT NOT NULL,
  algorithm TEXT NOT NULL,
  status TEXT NOT NULL,
  config TEXT NOT NULL,
  result TEXT NOT NULL DEFAULT '{}',
  version INTEGER NOT NULL DEFAULT 0,
  artifact_path TEXT NOT NULL DEFAULT '',
  data_source TEXT NOT NULL DEFAULT '',
  total_downloads INTEGER NOT NULL DEFAULT 0,
  total_earnings_cents INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE INDEX studio_models_owner ON studio_models(owner_id, created_at);

CREATE TABLE studio_training_jobs (
  id TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  job_name TEXT NOT NULL,
  priority TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  estimated_seconds REAL NOT NULL,
  hold_cents INTEGER NOT NULL,
  charged_cents INTEGER NOT NULL DEFAULT 0,
  refund_cents INTEGER NOT NULL DEFAULT 0,
  compute_seconds REAL NOT NULL DEFAULT 0,
  settled INTEGER NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  settled_at INTEGER);
CREATE INDEX studio_training_jobs_owner ON studio_training_jobs(owner_id, created_at);

CREATE TABLE studio_ledger (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL,
  amount_cents INTEGER NOT NULL,
  balance_after REAL NOT NULL,
  kind TEXT NOT NULL,
  reference TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL);
CREATE INDEX studio_ledger_user ON studio_ledger(user_id, created_at);

CREATE TABLE studio_listings (
  id TEXT PRIMARY KEY,
  model_id TEXT NOT NULL,
  seller_id TEXT NOT NULL,
  title TEXT NOT NULL,
  description TEXT NOT NULL,
  category TEXT NOT NULL,
  asset_classes TEXT NOT NULL,
  pricing_model TEXT NOT NULL,
  monthly_price_cents INTEGER NOT NULL,
  performance_fee_rate REAL NOT NULL,
  sample_signals TEXT NOT NULL,
  terms_and_conditions TEXT NOT NULL,
  status TEXT NOT NULL,
  is_featured INTEGER NOT NULL DEFAULT 0,
  review_note TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);

CREATE TABLE studio_subscriptions (
  id TEXT PRIMARY KEY,
  listing_id TEXT NOT NULL,
  model_id TEXT NOT NULL,
  subscriber_id TEXT NOT NULL,
  seller_id TEXT NOT NULL,
  subscription_type TEXT NOT NULL,
  auto_renew INTEGER NOT NULL,
  start_day INTEGER NOT NULL,
  end_day INTEGER NOT NULL,
  amount_cents INTEGER NOT NULL,
  commission_cents INTEGER NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX studio_subscriptions_listing ON studio_subscriptions(listing_id);
CREATE INDEX studio_subscriptions_subscriber ON studio_subscriptions(subscriber_id);

CREATE TABLE studio_datasets (
  symbol TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  path TEXT NOT NULL,
  rows INTEGER NOT NULL,
  first_date TEXT NOT NULL,
  last_date TEXT NOT NULL,
  has_volume INTEGER NOT NULL,
  imported_at INTEGER NOT NULL);
)sql",
      // Auto-renewal state per subscription (subscriptions.h): PENDING until
      // the renewal sweep (or the next use) renews it (RENEWED, renewed_by =
      // the next subscription) or lets it expire (INSUFFICIENT_CREDITS,
      // LISTING_UNAVAILABLE); '' without auto_renew. Rows renewed on use
      // before this migration already have a successor.
      R"sql(
ALTER TABLE studio_subscriptions ADD COLUMN renewal_status TEXT NOT NULL DEFAULT '';
ALTER TABLE studio_subscriptions ADD COLUMN renewed_by TEXT;
UPDATE studio_subscriptions SET renewal_status = CASE
  WHEN auto_renew = 0 THEN ''
  WHEN EXISTS (SELECT 1 FROM studio_subscriptions o
               WHERE o.subscriber_id = studio_subscriptions.subscriber_id
                 AND o.model_id = studio_subscriptions.model_id
                 AND o.created_at > studio_subscriptions.created_at)
    THEN 'RENEWED'
  ELSE 'PENDING' END;
CREATE INDEX studio_subscriptions_renewal
  ON studio_subscriptions(renewal_status, end_day);
)sql",
      // Crash-safe sales (subscriptions.h). settlement: CHARGED (the
      // subscriber's debit, its ledger row and this row were written in one
      // transaction), PAID (the seller's credit, its ledger row, the sale
      // count and the renewed subscription's RENEWED mark in another),
      // SETTLED (model.subscribed queued). renewal_of names the subscription
      // a renewal continues: unique, so one period is charged at most once
      // (the renewal's idempotency key). cancelled_at: POST
      // subscriptions/{id}/cancel/. Existing rows were settled in full.
      R"sql(
ALTER TABLE studio_subscriptions ADD COLUMN renewal_of TEXT;
ALTER TABLE studio_subscriptions ADD COLUMN settlement TEXT NOT NULL DEFAULT 'SETTLED';
ALTER TABLE studio_subscriptions ADD COLUMN cancelled_at INTEGER;
CREATE UNIQUE INDEX studio_subscriptions_renewal_of
  ON studio_subscriptions(renewal_of) WHERE renewal_of IS NOT NULL;
CREATE INDEX studio_subscriptions_settlement
  ON studio_subscriptions(settlement);
)sql",
      // Models created before AI Studio kept them in the platform's
      // registry (store/model_store.h) get their registry rows, and a
      // trained one its latest version (earlier versions' metrics were not
      // kept; model_type and algorithm are enum names, safe to quote).
      R"sql(
INSERT INTO models(id, owner_id, kind, name, status, metadata, created_at,
                   updated_at, display_name)
SELECT id, owner_id, 'studio', id, status,
       '{"algorithm":"' || algorithm || '","model_type":"' || model_type || '"}',
       created_at, updated_at, name
  FROM studio_models WHERE id NOT IN (SELECT id FROM models);
INSERT INTO model_versions(model_id, version, artifact_path, metrics,
                           created_at, job_id, logs_path)
SELECT id, version, artifact_path, '{}', updated_at, '', ''
  FROM studio_models
 WHERE version > 0 AND artifact_path <> ''
   AND id NOT IN (SELECT model_id FROM model_versions);
)sql",
  };
  return kMigrations;
}

}  // namespace

Result<std::unique_ptr<StudioTables>> StudioTables::Open(Database* db) {
  TY_RETURN_IF_ERROR(db->MigrateComponent("studio", StudioMigrations()));
  return std::unique_ptr<StudioTables>(new StudioTables(db));
}

}  // namespace trainyard::store::studio
