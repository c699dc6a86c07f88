#include "store/schema.h"

namespace trainyard::store {

const std::vector<std::string>& SchemaMigrations() {
  // Times are Unix milliseconds (UTC); JSON documents are TEXT.
  static const std::vector<std::string> kMigrations = {
      R"sql(
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  tier TEXT NOT NULL CHECK (tier IN ('FREE','PRO','ELITE')),
  role TEXT NOT NULL CHECK (role IN ('user','admin')),
  credits REAL NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL);
CREATE TABLE tokens (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  token_hash TEXT NOT NULL UNIQUE,
  prefix TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  last_used_at INTEGER,
  revoked_at INTEGER);
CREATE INDEX tokens_user ON tokens(user_id);
CREATE TABLE rate_counters (
  key TEXT PRIMARY KEY,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL);
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  owner_id TEXT NOT NULL DEFAULT '',
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN
    ('queued','running','completed','failed','cancelled')),
  progress REAL NOT NULL DEFAULT 0,
  current_units INTEGER NOT NULL DEFAULT 0,
  total_units INTEGER NOT NULL DEFAULT 0,
  metrics TEXT NOT NULL DEFAULT '{}',
  result TEXT NOT NULL DEFAULT '{}',
  error TEXT NOT NULL DEFAULT '',
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL DEFAULT 3,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  lease_owner TEXT,
  lease_expires_at INTEGER,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  updated_at INTEGER NOT NULL);
CREATE INDEX jobs_status_created ON jobs(status, created_at);
CREATE INDEX jobs_owner ON jobs(owner_id, created_at);
CREATE TABLE job_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL);
CREATE INDEX job_events_job ON job_events(job_id, id);
CREATE TABLE job_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  line TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX job_logs_job ON job_logs(job_id, id);
CREATE TABLE models (
  id TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  metadata TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (owner_id, kind, name));
CREATE TABLE model_versions (
  model_id TEXT NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  artifact_path TEXT NOT NULL DEFAULT '',
  metrics TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  PRIMARY KEY (model_id, version));
CREATE TABLE audit_log (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  actor_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL);
)sql",
      // Job priority: higher values are claimed first, FIFO within a value
      // (jobs::JobPriority; 0 = normal, the default for existing rows).
      R"sql(
ALTER TABLE jobs ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_queue ON jobs(status, priority DESC, created_at);
)sql",
      // Ownership of stored files and versioned models: every directory a
      // product writes for a user is claimed in artifact_owners (reads are
      // checked against the longest claimed prefix); a model version knows
      // the job that trains it and where its logs are.
      R"sql(
CREATE TABLE artifact_owners (
  path TEXT PRIMARY KEY,
  owner_id TEXT NOT NULL,
  kind TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL);
ALTER TABLE model_versions ADD COLUMN job_id TEXT NOT NULL DEFAULT '';
ALTER TABLE model_versions ADD COLUMN logs_path TEXT NOT NULL DEFAULT '';
)sql",
      // Training curves: one row per reported step of a job (its metrics as
      // a JSON object of numbers), read by GET /api/jobs/{id}/metrics. A
      // resumed attempt replaces the steps it replays.
      R"sql(
CREATE TABLE job_metrics (
  job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  wall_time INTEGER NOT NULL,
  metrics TEXT NOT NULL,
  PRIMARY KEY (job_id, step));
)sql",
      // Published copies of stored files, for processes on other hosts
      // (store/artifact_blobs.h): one row a file, its content in chunks.
      R"sql(
CREATE TABLE artifact_blobs (
  path TEXT PRIMARY KEY,
  sha256 TEXT NOT NULL,
  size INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE artifact_chunks (
  path TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (path, seq));
)sql",
      // The registry holds every product's models (store/model_store.h):
      // `name` is the product's unique handle (ILP's chosen name; AI Studio
      // and the gym name models by id), `display_name` what people read.
      R"sql(
ALTER TABLE models ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
UPDATE models SET display_name = name;
CREATE INDEX models_owner ON models(owner_id, created_at);
)sql",
  };
  return kMigrations;
}

}  // namespace trainyard::store
