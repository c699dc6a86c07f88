// Persistent job rows, their events and log lines. The queue semantics
// (claims with leases, heartbeats, requeue of expired leases, cancel) are
// implemented here as single atomic operations, so several processes can
// share one database safely.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::store {

enum class JobStatus { kQueued, kRunning, kCompleted, kFailed, kCancelled };
const char* JobStatusName(JobStatus s);  // "queued", "running", ...
Result<JobStatus> ParseJobStatus(std::string_view name);
bool IsTerminal(JobStatus s);

struct JobRecord {
  std::string id;
  std::string type;
  std::string owner_id;
  std::string params = "{}";  // JSON
  JobStatus status = JobStatus::kQueued;
  double progress = 0.0;  // 0..1
  int64_t current_units = 0;
  int64_t total_units = 0;
  std::string metrics = "{}";  // JSON
  std::string result = "{}";   // JSON
  std::string error;
  int attempts = 0;
  int max_attempts = 3;
  // Queue order: higher priorities are claimed first, oldest first within a
  // priority (see jobs::JobPriority). Fixed at insert.
  int priority = 0;
  bool cancel_requested = false;
  std::optional<std::string> lease_owner;
  std::optional<int64_t> lease_expires_at;
  int64_t created_at = 0;
  std::optional<int64_t> started_at;
  std::optional<int64_t> finished_at;
  int64_t updated_at = 0;
};

struct JobFilter {
  std::optional<std::string> owner_id;
  std::optional<std::string> type;         // exact type
  std::optional<std::string> type_prefix;  // e.g. "gym." for one surface
  std::optional<JobStatus> status;
  int64_t limit = 50;
  int64_t offset = 0;
};

struct JobEvent {
  int64_t id = 0;
  std::string job_id;
  std::string kind;  // "job.queued", "job.started", "job.completed", ...
  std::string payload = "{}";
  int64_t created_at = 0;
};

struct JobLogLine {
  int64_t id = 0;
  std::string line;
  int64_t created_at = 0;
};

// How many jobs of a type are in a status, and when the oldest was created.
struct JobCount {
  std::string type;
  JobStatus status = JobStatus::kQueued;
  int64_t count = 0;
  int64_t oldest_created_at = 0;  // Unix ms
};

// One point of a job's training curves.
struct MetricPoint {
  int64_t step = 0;       // the job's own step counter (env steps, rounds...)
  int64_t wall_time = 0;  // Unix ms when it was reported
  std::string metrics = "{}";  // JSON object: name -> finite number
};

// What a running job reports; written together with a lease extension.
struct JobProgress {
  double progress = 0.0;
  int64_t current_units = 0;
  int64_t total_units = 0;
  std::optional<std::string> metrics;  // JSON; unchanged when unset
};

// Implementations must be thread-safe and safe across processes sharing the
// database. Every status change appends a JobEvent in the same transaction.
class JobStore {
 public:
  virtual ~JobStore() = default;

  // Inserts a queued job (status forced to queued). CONFLICT on duplicate id.
  virtual Status Insert(const JobRecord& job, int64_t now) = 0;
  virtual Result<JobRecord> Get(const std::string& id) = 0;  // NOT_FOUND
  virtual Result<std::vector<JobRecord>> List(const JobFilter& filter) = 0;
  virtual Result<int64_t> Count(const JobFilter& filter) = 0;

  // Atomically takes the queued job whose type is in `types` with the highest
  // priority (the oldest one among equals), marks it
  // running under `worker_id` until `lease_until`, and counts an attempt.
  // Returns nullopt when nothing is queued.
  virtual Result<std::optional<JobRecord>> ClaimNext(
      const std::vector<std::string>& types, const std::string& worker_id,
      int64_t lease_until, int64_t now) = 0;

  // Writes progress and extends the lease of a job `worker_id` still holds.
  // Returns whether cancellation was requested. CONFLICT if the lease was
  // lost (expired and requeued, or taken by another worker).
  virtual Result<bool> ReportProgress(const std::string& id,
                                      const std::string& worker_id,
                                      const JobProgress& progress,
                                      int64_t lease_until, int64_t now) = 0;
  // Extends the lease only. Same returns as ReportProgress.
  virtual Result<bool> Heartbeat(const std::string& id,
                                 const std::string& worker_id,
                                 int64_t lease_until, int64_t now) = 0;

  // Ends a job `worker_id` holds with a terminal status (completed, failed or
  // cancelled), its result JSON and error text. CONFLICT if the lease is lost.
  virtual Status Finish(const std::string& id, const std::string& worker_id,
                        JobStatus status, const std::string& result,
                        const std::string& error, int64_t now) = 0;
  // Puts a job `worker_id` holds back in the queue without counting the
  // attempt (graceful shutdown); it resumes from its checkpoint later.
  virtual Status Release(const std::string& id, const std::string& worker_id,
                         int64_t now) = 0;

  // Queued jobs become cancelled at once; running jobs get cancel_requested
  // (their worker ends them). Terminal jobs: CONFLICT. Returns the new row.
  virtual Result<JobRecord> RequestCancel(const std::string& id,
                                          int64_t now) = 0;

  // Running jobs whose lease expired before `now` go back to queued, or to
  // failed (with the reason) once they have used max_attempts. Returns how
  // many rows changed.
  virtual Result<int> RecoverExpiredLeases(int64_t now) = 0;

  virtual Status AppendLog(const std::string& id, const std::string& line,
                           int64_t now) = 0;
  virtual Result<std::vector<JobLogLine>> ListLogs(const std::string& id,
                                                   int64_t after_id,
                                                   int64_t limit) = 0;
  virtual Result<std::vector<JobEvent>> ListEvents(const std::string& job_id,
                                                   int64_t after_id,
                                                   int64_t limit) = 0;
  // Events of all jobs after `after_id` (for webhook fan-out).
  virtual Result<std::vector<JobEvent>> ListAllEvents(int64_t after_id,
                                                      int64_t limit) = 0;

  // Every (type, status) pair that has jobs, with its count (metrics).
  virtual Result<std::vector<JobCount>> CountByTypeAndStatus() = 0;
  // Stores curve points of a job; a point at a step already stored replaces
  // it (a resumed attempt replays steps). NOT_FOUND-free: unknown job ids
  // fail with the store's constraint error.
  virtual Status AppendMetrics(const std::string& id,
                               const std::vector<MetricPoint>& points) = 0;
  // Removes a job's points at steps >= `from_step` (a resumed attempt's
  // first step: the replayed stretch must not keep the old attempt's values).
  virtual Status DropMetricsFrom(const std::string& id, int64_t from_step) = 0;
  // Points with step > after_step in step order, at most `limit`.
  virtual Result<std::vector<MetricPoint>> ListMetrics(const std::string& id,
                                                       int64_t after_step,
                                                       int64_t limit) = 0;
};

}  // namespace trainyard::store
