// What a job handler sees while it runs: its job row, progress reporting,
// log lines, the stop/cancel flags and a checkpoint directory. Handlers are
// plain functions registered by type name in src/app.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "store/job_store.h"

namespace trainyard::jobs {

// Implemented by the worker pool. A context is used by one handler thread;
// the flags may be set from other threads.
class JobContext {
 public:
  virtual ~JobContext() = default;

  // The job as claimed (id, type, params JSON, attempts so far, ...).
  virtual const store::JobRecord& job() const = 0;

  // Records progress (current of total units) and optional metrics JSON.
  // Cheap to call often: it is persisted (and the lease extended, and the
  // cancel flag refreshed from the store) at most every few hundred ms, and
  // always when current == total.
  virtual void ReportProgress(int64_t current, int64_t total,
                              const std::string& metrics_json = "") = 0;
  // Appends a line to the job's log (stored; shown by `trainyard jobs show`).
  virtual void Log(const std::string& line) = 0;

  // True once the handler should return as soon as it has saved a
  // checkpoint: the user cancelled, or the process is shutting down.
  virtual bool ShouldStop() const = 0;
  // True if the stop is a user's cancel (the job will end as cancelled).
  virtual bool IsCancelled() const = 0;

  // An existing directory private to this job that survives restarts.
  // Resumed attempts find what earlier attempts saved there.
  virtual const std::string& checkpoint_dir() const = 0;

  // The JSON document stored as the job's result on success.
  virtual void SetResult(std::string result_json) = 0;

  // One point of the job's training curves (episode return, losses, entropy,
  // env-steps/s, learning rate, ...) at `step`, the handler's own counter
  // (environment steps, boosting rounds), increasing within an attempt.
  // Stored for GET /api/jobs/{id}/metrics (batched with progress writes;
  // all pending points are stored when the handler returns) and written to
  // the TensorBoard event file of runs/<job id>/. Non-finite values are
  // left out. The first point of an attempt drops what earlier attempts
  // recorded at its step or later, so a resumed run does not draw its
  // replayed stretch twice. Storage errors are logged, never returned: a
  // curve must not fail a training.
  using MetricValues = std::vector<std::pair<std::string, double>>;
  virtual void RecordMetrics(int64_t step, const MetricValues& values) = 0;
};

// Runs one job and must not throw. Returns OK when the work is done (the job
// completes), JobStopped() when it returned early because ShouldStop() was
// set (after saving a checkpoint: the job ends cancelled, or goes back to
// the queue on shutdown), or any other error (the job fails with its
// message).
using JobHandler = std::function<Status(JobContext&)>;

// The Status a handler returns when it stopped early on ShouldStop().
Status JobStopped();
bool IsJobStopped(const Status& status);

// Handlers by job type. Filled at start-up, read-only afterwards.
class JobHandlerRegistry {
 public:
  // CONFLICT if the type is already registered.
  Status Register(const std::string& type, JobHandler handler);
  // nullptr if unknown.
  const JobHandler* Find(const std::string& type) const;
  std::vector<std::string> Types() const;

 private:
  std::map<std::string, JobHandler> handlers_;
};

}  // namespace trainyard::jobs
