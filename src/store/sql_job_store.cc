#include <string>

#include "store/sql_repositories.h"

namespace trainyard::store {

const char* JobStatusName(JobStatus s) {
  switch (s) {
    case JobStatus::kQueued:
      return "queued";
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kCompleted:
      return "completed";
    case JobStatus::kFailed:
      return "failed";
    case JobStatus::kCancelled:
      return "cancelled";
  }
  return "queued";
}

Result<JobStatus> ParseJobStatus(std::string_view name) {
  for (JobStatus s :
       {JobStatus::kQueued, JobStatus::kRunning, JobStatus::kCompleted,
        JobStatus::kFailed, JobStatus::kCancelled}) {
    if (name == JobStatusName(s)) return s;
  }
  return ValidationError("unknown job status '" + std::string(name) +
                         "': expected queued, running, completed, failed or "
                         "cancelled");
}

bool IsTerminal(JobStatus s) {
  return s == JobStatus::kCompleted || s == JobStatus::kFailed ||
         s == JobStatus::kCancelled;
}

namespace {

constexpr const char* kJobColumns =
    "id, type, owner_id, params, status, progress, current_units, "
    "total_units, metrics, result, error, attempts, max_attempts, "
    "cancel_requested, lease_owner, lease_expires_at, created_at, started_at, "
    "finished_at, updated_at, priority";

JobRecord ReadJob(const Statement& s) {
  JobRecord j;
  j.id = s.ColumnText(0);
  j.type = s.ColumnText(1);
  j.owner_id = s.ColumnText(2);
  j.params = s.ColumnText(3);
  auto status = ParseJobStatus(s.ColumnText(4));
  j.status = status.ok() ? *status : JobStatus::kFailed;
  j.progress = s.ColumnDouble(5);
  j.current_units = s.ColumnInt(6);
  j.total_units = s.ColumnInt(7);
  j.metrics = s.ColumnText(8);
  j.result = s.ColumnText(9);
  j.error = s.ColumnText(10);
  j.attempts = static_cast<int>(s.ColumnInt(11));
  j.max_attempts = static_cast<int>(s.ColumnInt(12));
  j.cancel_requested = s.ColumnInt(13) != 0;
  j.lease_owner = s.ColumnOptionalText(14);
  j.lease_expires_at = s.ColumnOptionalInt(15);
  j.created_at = s.ColumnInt(16);
  j.started_at = s.ColumnOptionalInt(17);
  j.finished_at = s.ColumnOptionalInt(18);
  j.updated_at = s.ColumnInt(19);
  j.priority = static_cast<int>(s.ColumnInt(20));
  return j;
}

WhereClause BuildFilter(const JobFilter& f) {
  WhereClause where;
  if (f.owner_id) where.Add("owner_id = ?", *f.owner_id);
  if (f.type) where.Add("type = ?", *f.type);
  if (f.type_prefix) {
    // The length is our own integer, so inlining it is safe.
    where.Add(
        "substr(type, 1, " + std::to_string(f.type_prefix->size()) + ") = ?",
        *f.type_prefix);
  }
  if (f.status) where.Add("status = ?", JobStatusName(*f.status));
  return where;
}

}  // namespace

Status SqlJobStore::AddEvent(const std::string& job_id, const std::string& kind,
                             const std::string& payload, int64_t now) {
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("INSERT INTO job_events(job_id, kind, "
                                   "payload, created_at) VALUES(?,?,?,?)"));
  s.Bind(1, job_id).Bind(2, kind).Bind(3, payload).Bind(4, now);
  return s.Run();
}

Result<JobRecord> SqlJobStore::GetLocked(const std::string& id) {
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare(std::string("SELECT ") + kJobColumns +
                                   " FROM jobs WHERE id = ?"));
  s.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return NotFoundError("job '" + id + "' not found");
  return ReadJob(s);
}

Status SqlJobStore::Insert(const JobRecord& j, int64_t now) {
  auto lock = db_->Lock();
  return db_->Transaction(
      [&]() -> Status {
        TY_ASSIGN_OR_RETURN(
            Statement s,
            db_->Prepare("INSERT INTO jobs(id, type, owner_id, params, status, "
                         "total_units, max_attempts, created_at, updated_at, "
                         "priority) VALUES(?,?,?,?,'queued',?,?,?,?,?)"));
        s.Bind(1, j.id).Bind(2, j.type).Bind(3, j.owner_id).Bind(4, j.params);
        s.Bind(5, j.total_units).Bind(6, static_cast<int64_t>(j.max_attempts));
        s.Bind(7, now).Bind(8, now).Bind(9, static_cast<int64_t>(j.priority));
        Status st = s.Run();
        if (st.code() == ErrorCode::kConflict) {
          return ConflictError("job '" + j.id + "' already exists");
        }
        TY_RETURN_IF_ERROR(st);
        return AddEvent(j.id, "job.queued", "{}", now);
      },
      TxMode::kRowLocks);
}

Result<JobRecord> SqlJobStore::Get(const std::string& id) {
  auto lock = db_->Lock();
  return GetLocked(id);
}

Result<std::vector<JobRecord>> SqlJobStore::List(const JobFilter& f) {
  auto lock = db_->Lock();
  WhereClause where = BuildFilter(f);
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(std::string("SELECT ") + kJobColumns + " FROM jobs" +
                   where.sql() + " ORDER BY created_at DESC, rowid DESC" +
                   kPageSql));
  BindPage(s, where.BindTo(s), f.limit, f.offset);
  return ReadRows<JobRecord>(s,
                             [](const Statement& row) { return ReadJob(row); });
}

Result<int64_t> SqlJobStore::Count(const JobFilter& f) {
  auto lock = db_->Lock();
  WhereClause where = BuildFilter(f);
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("SELECT COUNT(*) FROM jobs" + where.sql()));
  where.BindTo(s);
  TY_ASSIGN_OR_RETURN(bool row, s.Step());
  return row ? s.ColumnInt(0) : 0;
}

Result<std::optional<JobRecord>> SqlJobStore::ClaimNext(
    const std::vector<std::string>& types, const std::string& worker_id,
    int64_t lease_until, int64_t now) {
  if (types.empty()) return std::optional<JobRecord>();
  auto lock = db_->Lock();
  std::optional<JobRecord> claimed;
  // One statement picks and leases the next job. On PostgreSQL the pick
  // locks its row and skips rows other workers hold, so concurrent claims
  // never wait for each other nor take the same job; SQLite has one writer
  // at a time and needs no clause.
  const char* skip_locked =
      db_->backend() == SqlBackend::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
  Status st = db_->Transaction(
      [&]() -> Status {
        std::string placeholders;
        for (size_t i = 0; i < types.size(); ++i)
          placeholders += i ? ",?" : "?";
        TY_ASSIGN_OR_RETURN(
            Statement u,
            db_->Prepare(
                "UPDATE jobs SET status = 'running', lease_owner = ?, "
                "lease_expires_at = ?, attempts = attempts + 1, started_at = "
                "COALESCE(started_at, ?), updated_at = ? WHERE id = (SELECT "
                "id FROM jobs WHERE status = 'queued' AND type IN (" +
                placeholders +
                ") ORDER BY priority DESC, created_at, rowid LIMIT 1" +
                skip_locked + ") RETURNING " + kJobColumns));
        u.Bind(1, worker_id).Bind(2, lease_until).Bind(3, now).Bind(4, now);
        int idx = 5;
        for (const auto& t : types) u.Bind(idx++, t);
        TY_ASSIGN_OR_RETURN(bool row, u.Step());
        if (!row) return Status::Ok();
        JobRecord job = ReadJob(u);
        TY_RETURN_IF_ERROR(u.Reset());
        TY_RETURN_IF_ERROR(AddEvent(
            job.id, "job.started",
            "{\"attempt\":" + std::to_string(job.attempts) + "}", now));
        claimed = std::move(job);
        return Status::Ok();
      },
      TxMode::kRowLocks);
  if (!st.ok()) return st;
  return claimed;
}

Result<bool> SqlJobStore::ExtendLease(const std::string& id,
                                      const std::string& worker_id,
                                      const JobProgress* p, int64_t lease_until,
                                      int64_t now) {
  auto lock = db_->Lock();
  std::string sql = "UPDATE jobs SET lease_expires_at = ?, updated_at = ?";
  if (p) {
    sql += ", progress = ?, current_units = ?, total_units = ?";
    if (p->metrics) sql += ", metrics = ?";
  }
  sql += " WHERE id = ? AND status = 'running' AND lease_owner = ?";
  TY_ASSIGN_OR_RETURN(Statement u, db_->Prepare(sql));
  int idx = 1;
  u.Bind(idx++, lease_until);
  u.Bind(idx++, now);
  if (p) {
    u.Bind(idx++, p->progress);
    u.Bind(idx++, p->current_units);
    u.Bind(idx++, p->total_units);
    if (p->metrics) u.Bind(idx++, *p->metrics);
  }
  u.Bind(idx++, id);
  u.Bind(idx, worker_id);
  TY_RETURN_IF_ERROR(u.Run());
  if (db_->Changes() == 0) {
    return ConflictError("job '" + id + "' is no longer leased by " +
                         worker_id);
  }
  TY_ASSIGN_OR_RETURN(
      Statement q,
      db_->Prepare("SELECT cancel_requested FROM jobs WHERE id = ?"));
  q.Bind(1, id);
  TY_ASSIGN_OR_RETURN(bool row, q.Step());
  return row && q.ColumnInt(0) != 0;
}

Result<bool> SqlJobStore::ReportProgress(const std::string& id,
                                         const std::string& worker_id,
                                         const JobProgress& progress,
                                         int64_t lease_until, int64_t now) {
  return ExtendLease(id, worker_id, &progress, lease_until, now);
}

Result<bool> SqlJobStore::Heartbeat(const std::string& id,
                                    const std::string& worker_id,
                                    int64_t lease_until, int64_t now) {
  return ExtendLease(id, worker_id, nullptr, lease_until, now);
}

Status SqlJobStore::Finish(const std::string& id, const std::string& worker_id,
                           JobStatus status, const std::string& result,
                           const std::string& error, int64_t now) {
  if (!IsTerminal(status)) {
    return InternalError("Finish needs a terminal status");
  }
  auto lock = db_->Lock();
  return db_->Transaction(
      [&]() -> Status {
        std::string sql =
            "UPDATE jobs SET status = ?, result = ?, error = ?, finished_at = "
            "?, "
            "updated_at = ?, lease_owner = NULL, lease_expires_at = NULL";
        if (status == JobStatus::kCompleted) sql += ", progress = 1.0";
        sql += " WHERE id = ? AND status = 'running' AND lease_owner = ?";
        TY_ASSIGN_OR_RETURN(Statement u, db_->Prepare(sql));
        u.Bind(1, JobStatusName(status)).Bind(2, result).Bind(3, error);
        u.Bind(4, now).Bind(5, now).Bind(6, id).Bind(7, worker_id);
        TY_RETURN_IF_ERROR(u.Run());
        if (db_->Changes() == 0) {
          return ConflictError("job '" + id + "' is no longer leased by " +
                               worker_id);
        }
        return AddEvent(id, std::string("job.") + JobStatusName(status), result,
                        now);
      },
      TxMode::kRowLocks);
}

Status SqlJobStore::Release(const std::string& id, const std::string& worker_id,
                            int64_t now) {
  auto lock = db_->Lock();
  return db_->Transaction(
      [&]() -> Status {
        TY_ASSIGN_OR_RETURN(
            Statement u,
            db_->Prepare(
                "UPDATE jobs SET status = 'queued', lease_owner = NULL, "
                "lease_expires_at = NULL, attempts = CASE WHEN attempts > 0 "
                "THEN attempts - 1 ELSE 0 END, updated_at = ? WHERE id = ? AND "
                "status = 'running' AND "
                "lease_owner = ?"));
        u.Bind(1, now).Bind(2, id).Bind(3, worker_id);
        TY_RETURN_IF_ERROR(u.Run());
        if (db_->Changes() == 0) {
          return ConflictError("job '" + id + "' is no longer leased by " +
                               worker_id);
        }
        return AddEvent(id, "job.requeued", "{\"reason\":\"shutdown\"}", now);
      },
      TxMode::kRowLocks);
}

Result<JobRecord> SqlJobStore::RequestCancel(const std::string& id,
                                             int64_t now) {
  auto lock = db_->Lock();
  JobRecord out;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(JobRecord job, GetLocked(id));
    if (IsTerminal(job.status)) {
      return ConflictError("job '" + id + "' is already " +
                           JobStatusName(job.status));
    }
    const bool queued = job.status == JobStatus::kQueued;
    // A queued job ends now; a running one ends when its worker sees the
    // flag (within one progress report).
    TY_ASSIGN_OR_RETURN(
        Statement u,
        db_->Prepare(queued ? "UPDATE jobs SET status = 'cancelled', "
                              "cancel_requested = 1, finished_at = ?1, "
                              "updated_at = ?1 WHERE id = ?2"
                            : "UPDATE jobs SET cancel_requested = 1, "
                              "updated_at = ?1 WHERE id = ?2"));
    u.Bind(1, now).Bind(2, id);
    TY_RETURN_IF_ERROR(u.Run());
    TY_RETURN_IF_ERROR(AddEvent(
        id, queued ? "job.cancelled" : "job.cancel_requested", "{}", now));
    TY_ASSIGN_OR_RETURN(out, GetLocked(id));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

Result<int> SqlJobStore::RecoverExpiredLeases(int64_t now) {
  auto lock = db_->Lock();
  int changed = 0;
  Status st = db_->Transaction([&]() -> Status {
    TY_ASSIGN_OR_RETURN(
        Statement q,
        db_->Prepare("SELECT id, attempts, max_attempts, cancel_requested, "
                     "lease_owner FROM jobs WHERE status = 'running' AND "
                     "lease_expires_at < ?"));
    q.Bind(1, now);
    struct Expired {
      std::string id, owner;
      int64_t attempts, max_attempts;
      bool cancel;
    };
    std::vector<Expired> expired;
    while (true) {
      TY_ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      expired.push_back({q.ColumnText(0), q.ColumnText(4), q.ColumnInt(1),
                         q.ColumnInt(2), q.ColumnInt(3) != 0});
    }
    for (const Expired& e : expired) {
      std::string status = "queued", kind = "job.requeued", error;
      if (e.cancel) {
        status = "cancelled";
        kind = "job.cancelled";
      } else if (e.attempts >= e.max_attempts) {
        status = "failed";
        kind = "job.failed";
        error = "worker lease expired " + std::to_string(e.attempts) +
                " times (last worker " + e.owner +
                "); giving up after max_attempts";
      }
      TY_ASSIGN_OR_RETURN(
          Statement u,
          db_->Prepare("UPDATE jobs SET status = ?, error = ?, lease_owner = "
                       "NULL, lease_expires_at = NULL, updated_at = ?, "
                       "finished_at = CASE WHEN ? = 'queued' THEN NULL ELSE ? "
                       "END WHERE id = ?"));
      u.Bind(1, status).Bind(2, error).Bind(3, now).Bind(4, status).Bind(5,
                                                                         now);
      u.Bind(6, e.id);
      TY_RETURN_IF_ERROR(u.Run());
      TY_RETURN_IF_ERROR(
          AddEvent(e.id, kind, "{\"reason\":\"lease_expired\"}", now));
      ++changed;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return changed;
}

Status SqlJobStore::AppendLog(const std::string& id, const std::string& line,
                              int64_t now) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(Statement s,
                      db_->Prepare("INSERT INTO job_logs(job_id, line, "
                                   "created_at) VALUES(?,?,?)"));
  s.Bind(1, id).Bind(2, line).Bind(3, now);
  return s.Run();
}

Result<std::vector<JobLogLine>> SqlJobStore::ListLogs(const std::string& id,
                                                      int64_t after_id,
                                                      int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT id, line, created_at FROM job_logs WHERE job_id = ? "
                   "AND id > ? ORDER BY id LIMIT ?"));
  s.Bind(1, id).Bind(2, after_id).Bind(3, limit);
  return ReadRows<JobLogLine>(s, [](const Statement& row) {
    return JobLogLine{row.ColumnInt(0), row.ColumnText(1), row.ColumnInt(2)};
  });
}

Result<std::vector<JobCount>> SqlJobStore::CountByTypeAndStatus() {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT type, status, COUNT(*), MIN(created_at) FROM jobs "
                   "GROUP BY type, status ORDER BY type, status"));
  return ReadRows<JobCount>(s, [](const Statement& row) {
    Result<JobStatus> status = ParseJobStatus(row.ColumnText(1));
    return JobCount{row.ColumnText(0),
                    status.ok() ? *status : JobStatus::kFailed,
                    row.ColumnInt(2), row.ColumnInt(3)};
  });
}

Status SqlJobStore::AppendMetrics(const std::string& id,
                                  const std::vector<MetricPoint>& points) {
  if (points.empty()) return Status::Ok();
  auto lock = db_->Lock();
  // Only the job's own worker writes its points, so row locks suffice.
  return db_->Transaction(
      [&]() -> Status {
        for (const MetricPoint& p : points) {
          TY_ASSIGN_OR_RETURN(
              Statement s,
              db_->Prepare(
                  "INSERT INTO job_metrics(job_id, step, wall_time, metrics) "
                  "VALUES(?,?,?,?) ON CONFLICT(job_id, step) DO UPDATE SET "
                  "wall_time = excluded.wall_time, metrics = "
                  "excluded.metrics"));
          s.Bind(1, id).Bind(2, p.step).Bind(3, p.wall_time).Bind(4, p.metrics);
          TY_RETURN_IF_ERROR(s.Run());
        }
        return Status::Ok();
      },
      TxMode::kRowLocks);
}

Status SqlJobStore::DropMetricsFrom(const std::string& id, int64_t from_step) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("DELETE FROM job_metrics WHERE job_id = ? AND step >= ?"));
  s.Bind(1, id).Bind(2, from_step);
  return s.Run();
}

Result<std::vector<MetricPoint>> SqlJobStore::ListMetrics(const std::string& id,
                                                          int64_t after_step,
                                                          int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT step, wall_time, metrics FROM job_metrics WHERE "
                   "job_id = ? AND step > ? ORDER BY step LIMIT ?"));
  s.Bind(1, id).Bind(2, after_step).Bind(3, limit);
  return ReadRows<MetricPoint>(s, [](const Statement& row) {
    return MetricPoint{row.ColumnInt(0), row.ColumnInt(1), row.ColumnText(2)};
  });
}

namespace {
Result<std::vector<JobEvent>> ReadEvents(Statement& s) {
  return ReadRows<JobEvent>(s, [](const Statement& row) {
    return JobEvent{row.ColumnInt(0), row.ColumnText(1), row.ColumnText(2),
                    row.ColumnText(3), row.ColumnInt(4)};
  });
}
}  // namespace

Result<std::vector<JobEvent>> SqlJobStore::ListEvents(const std::string& job_id,
                                                      int64_t after_id,
                                                      int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(
          "SELECT id, job_id, kind, payload, created_at FROM "
          "job_events WHERE job_id = ? AND id > ? ORDER BY id LIMIT ?"));
  s.Bind(1, job_id).Bind(2, after_id).Bind(3, limit);
  return ReadEvents(s);
}

Result<std::vector<JobEvent>> SqlJobStore::ListAllEvents(int64_t after_id,
                                                         int64_t limit) {
  auto lock = db_->Lock();
  TY_ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare("SELECT id, job_id, kind, payload, created_at FROM "
                   "job_events WHERE id > ? ORDER BY id LIMIT ?"));
  s.Bind(1, after_id).Bind(2, limit);
  return ReadEvents(s);
}

}  // namespace trainyard::store
