// Worker threads that claim jobs from the persistent queue under a lease,
// run their handlers, keep the lease alive with heartbeats, and recover jobs
// whose worker died. Used in-process by `trainyard serve` and alone by
// `trainyard worker`; several processes can share one database.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "store/job_store.h"

namespace trainyard::jobs {

struct WorkerPoolOptions {
  int threads = 2;                  // 0 = never claim (API-only server)
  int64_t lease_ms = 30000;         // a silent worker loses its job after this
  int64_t poll_ms = 250;            // idle wait between claim attempts
  int64_t progress_flush_ms = 250;  // min interval between progress writes
  int64_t stop_grace_ms = 20000;    // Stop() warns after this long
  std::string checkpoint_root;      // <root>/<job id>/ per job; must be set
  std::string worker_id;            // empty = "<host>-<pid>-<random>"
  // TensorBoard event files of RecordMetrics go to <runs_root>/<job id>/;
  // empty = none (the points are stored in the job store either way).
  std::string runs_root;
};

class RunningJob;

// Thread-safe. The store, registry and clock must outlive the pool.
class WorkerPool {
 public:
  WorkerPool(store::JobStore* store, const JobHandlerRegistry* registry,
             const Clock* clock, WorkerPoolOptions options);
  ~WorkerPool();  // calls Stop()

  // Starts the worker and maintenance threads. REQUIRES: not started.
  Status Start();
  // Asks running handlers to stop (ShouldStop() turns true), waits for them
  // to return (warning after stop_grace_ms), and puts jobs that returned
  // JobStopped() back in the queue so a later process resumes them from
  // their checkpoints. Idempotent.
  void Stop();

  // Wakes idle workers (a job was just submitted).
  void Wake();
  // Tells a handler of `job_id` running here that it was cancelled, so it
  // sees the flag at once instead of at its next progress report.
  void NotifyCancel(const std::string& job_id);

  const std::string& worker_id() const { return options_.worker_id; }
  int threads() const { return options_.threads; }
  int running() const;

 private:
  void WorkerLoop();
  void MaintenanceLoop();
  void RunJob(store::JobRecord job);
  bool SleepUnlessStopping(int64_t ms);

  store::JobStore* store_;
  const JobHandlerRegistry* registry_;
  const Clock* clock_;
  WorkerPoolOptions options_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  bool started_ = false;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::map<std::string, std::shared_ptr<RunningJob>> running_;
};

}  // namespace trainyard::jobs
