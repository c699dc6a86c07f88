#include "jobs/worker_pool.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>

#include "core/crypto.h"
#include "tracking/event_file.h"

namespace trainyard::jobs {

// The context of one running job, shared between its handler thread and the
// maintenance thread (heartbeats) and NotifyCancel.
class RunningJob final : public JobContext {
 public:
  RunningJob(store::JobRecord job, store::JobStore* store, const Clock* clock,
             const WorkerPoolOptions* options,
             const std::atomic<bool>* pool_stopping)
      : job_(std::move(job)),
        store_(store),
        clock_(clock),
        options_(options),
        pool_stopping_(pool_stopping),
        checkpoint_dir_(options->checkpoint_root + "/" + job_.id),
        runs_dir_(options->runs_root.empty()
                      ? ""
                      : options->runs_root + "/" + job_.id) {}

  const store::JobRecord& job() const override { return job_; }

  void ReportProgress(int64_t current, int64_t total,
                      const std::string& metrics_json) override {
    std::lock_guard lock(mu_);
    progress_.current_units = current;
    progress_.total_units = total;
    progress_.progress =
        total > 0 ? std::clamp(static_cast<double>(current) / total, 0.0, 1.0)
                  : 0.0;
    if (!metrics_json.empty()) progress_.metrics = metrics_json;
    const int64_t now = clock_->NowMillis();
    if (current < total && now - last_flush_ms_ < options_->progress_flush_ms)
      return;
    FlushLocked(now);
  }

  void RecordMetrics(int64_t step, const MetricValues& values) override {
    nlohmann::json point = nlohmann::json::object();
    std::vector<tracking::Scalar> scalars;
    for (const auto& [name, value] : values) {
      if (!std::isfinite(value)) continue;
      point[name] = value;
      scalars.push_back({name, static_cast<float>(value)});
    }
    std::lock_guard lock(metrics_mu_);
    const int64_t now = clock_->NowMillis();
    if (!metrics_started_) {
      metrics_started_ = true;
      StartCurvesLocked(step);
    }
    if (events_) {
      Status s = events_->AddScalars(step, scalars);
      if (!s.ok()) {
        spdlog::warn("job {}: cannot write TensorBoard events: {}", job_.id,
                     s.ToString());
        events_.reset();
      }
    }
    pending_metrics_.push_back({step, now, point.dump()});
    if (now - last_metrics_flush_ms_ >= options_->progress_flush_ms)
      FlushMetricsLocked(now);
  }

  void Log(const std::string& line) override {
    Status s = store_->AppendLog(job_.id, line, clock_->NowMillis());
    if (!s.ok())
      spdlog::warn("job {}: cannot store log line: {}", job_.id, s.ToString());
  }

  bool ShouldStop() const override {
    return cancelled_ || lease_lost_ || pool_stopping_->load();
  }
  bool IsCancelled() const override { return cancelled_; }
  const std::string& checkpoint_dir() const override { return checkpoint_dir_; }
  void SetResult(std::string result_json) override {
    std::lock_guard lock(mu_);
    result_ = std::move(result_json);
  }

  // Called by the maintenance thread: extends the lease, refreshes cancel.
  void Heartbeat() {
    std::lock_guard lock(mu_);
    const int64_t now = clock_->NowMillis();
    ApplyLeaseAnswer(store_->Heartbeat(job_.id, options_->worker_id,
                                       now + options_->lease_ms, now));
  }
  void MarkCancelled() { cancelled_ = true; }
  bool lease_lost() const { return lease_lost_; }
  std::string result() {
    std::lock_guard lock(mu_);
    return result_;
  }
  // Persists the latest progress and curve points before the job ends.
  void Flush() {
    {
      std::lock_guard lock(metrics_mu_);
      FlushMetricsLocked(clock_->NowMillis());
      events_.reset();
    }
    std::lock_guard lock(mu_);
    if (progress_.total_units > 0 || progress_.metrics)
      FlushLocked(clock_->NowMillis());
  }

 private:
  // REQUIRES: metrics_mu_ held. Forgets what an earlier attempt recorded
  // from `first_step` on and opens this attempt's event file.
  void StartCurvesLocked(int64_t first_step) {
    Status s = store_->DropMetricsFrom(job_.id, first_step);
    if (!s.ok()) {
      spdlog::warn("job {}: cannot drop replayed curve points: {}", job_.id,
                   s.ToString());
    }
    if (runs_dir_.empty()) return;
    s = tracking::DropEventsAfter(runs_dir_, first_step - 1);
    if (!s.ok() && s.code() != ErrorCode::kNotFound) {
      spdlog::warn("job {}: cannot trim TensorBoard events: {}", job_.id,
                   s.ToString());
    }
    Result<tracking::EventWriter> writer =
        tracking::EventWriter::Open(runs_dir_, clock_);
    if (writer.ok()) {
      events_.emplace(std::move(*writer));
    } else {
      spdlog::warn("job {}: no TensorBoard events: {}", job_.id,
                   writer.status().ToString());
    }
  }
  // REQUIRES: metrics_mu_ held.
  void FlushMetricsLocked(int64_t now) {
    last_metrics_flush_ms_ = now;
    if (pending_metrics_.empty()) return;
    Status s = store_->AppendMetrics(job_.id, pending_metrics_);
    if (!s.ok()) {
      spdlog::warn("job {}: cannot store curve points: {}", job_.id,
                   s.ToString());
    }
    pending_metrics_.clear();
  }

  void FlushLocked(int64_t now) {
    last_flush_ms_ = now;
    ApplyLeaseAnswer(store_->ReportProgress(job_.id, options_->worker_id,
                                            progress_, now + options_->lease_ms,
                                            now));
    progress_.metrics.reset();
  }
  void ApplyLeaseAnswer(const Result<bool>& answer) {
    if (answer.ok()) {
      if (*answer) cancelled_ = true;
      return;
    }
    if (answer.status().code() == ErrorCode::kConflict) {
      spdlog::warn("job {}: lease lost; stopping this attempt", job_.id);
      lease_lost_ = true;
    } else {
      spdlog::warn("job {}: cannot report progress: {}", job_.id,
                   answer.status().ToString());
    }
  }

  const store::JobRecord job_;
  store::JobStore* store_;
  const Clock* clock_;
  const WorkerPoolOptions* options_;
  const std::atomic<bool>* pool_stopping_;
  const std::string checkpoint_dir_;
  const std::string runs_dir_;
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> lease_lost_{false};
  std::mutex mu_;
  store::JobProgress progress_;
  int64_t last_flush_ms_ = 0;
  std::string result_ = "{}";
  // Curve points (RecordMetrics), guarded apart from progress so that the
  // handler's TensorBoard writes never wait on a heartbeat.
  std::mutex metrics_mu_;
  bool metrics_started_ = false;
  std::optional<tracking::EventWriter> events_;
  std::vector<store::MetricPoint> pending_metrics_;
  int64_t last_metrics_flush_ms_ = 0;
};

namespace {

std::string DefaultWorkerId() {
  char host[256] = "host";
  gethostname(host, sizeof(host) - 1);
  return std::string(host) + "-" + std::to_string(getpid()) + "-" +
         HexEncode(RandomBytes(3));
}

}  // namespace

WorkerPool::WorkerPool(store::JobStore* store,
                       const JobHandlerRegistry* registry, const Clock* clock,
                       WorkerPoolOptions options)
    : store_(store),
      registry_(registry),
      clock_(clock),
      options_(std::move(options)) {
  if (options_.worker_id.empty()) options_.worker_id = DefaultWorkerId();
}

WorkerPool::~WorkerPool() { Stop(); }

Status WorkerPool::Start() {
  if (started_) return InternalError("worker pool already started");
  if (options_.checkpoint_root.empty()) {
    return InternalError("worker pool needs a checkpoint_root");
  }
  started_ = true;
  threads_.emplace_back([this] { MaintenanceLoop(); });
  for (int i = 0; i < options_.threads; ++i) {
    threads_.emplace_back([this] { WorkerLoop(); });
  }
  spdlog::info("worker pool {} started with {} thread(s)", options_.worker_id,
               options_.threads);
  return Status::Ok();
}

void WorkerPool::Stop() {
  if (!started_ || stopping_.exchange(true)) return;
  wake_.notify_all();
  const int64_t deadline = clock_->NowMillis() + options_.stop_grace_ms;
  while (running() > 0 && clock_->NowMillis() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Handlers are asked to stop; joining waits for the slow ones rather than
  // abandoning threads that still use this object.
  if (running() > 0) {
    spdlog::warn(
        "{} job(s) still running after the grace period; waiting "
        "for them to checkpoint",
        running());
  }
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WorkerPool::Wake() { wake_.notify_all(); }

void WorkerPool::NotifyCancel(const std::string& job_id) {
  std::lock_guard lock(mu_);
  auto it = running_.find(job_id);
  if (it != running_.end()) it->second->MarkCancelled();
}

int WorkerPool::running() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(running_.size());
}

bool WorkerPool::SleepUnlessStopping(int64_t ms) {
  std::unique_lock lock(mu_);
  wake_.wait_for(lock, std::chrono::milliseconds(ms),
                 [this] { return stopping_.load(); });
  return !stopping_;
}

void WorkerPool::WorkerLoop() {
  const std::vector<std::string> types = registry_->Types();
  while (!stopping_) {
    const int64_t now = clock_->NowMillis();
    auto claimed = store_->ClaimNext(types, options_.worker_id,
                                     now + options_.lease_ms, now);
    if (!claimed.ok()) {
      spdlog::error("claiming a job failed: {}", claimed.status().ToString());
      SleepUnlessStopping(options_.poll_ms * 4);
      continue;
    }
    if (!claimed->has_value()) {
      SleepUnlessStopping(options_.poll_ms);
      continue;
    }
    RunJob(std::move(**claimed));
  }
}

void WorkerPool::MaintenanceLoop() {
  const int64_t heartbeat_every = std::max<int64_t>(options_.lease_ms / 3, 10);
  int64_t last_heartbeat = 0;
  while (SleepUnlessStopping(std::min(options_.poll_ms, heartbeat_every))) {
    const int64_t now = clock_->NowMillis();
    auto recovered = store_->RecoverExpiredLeases(now);
    if (recovered.ok() && *recovered > 0) {
      spdlog::warn(
          "requeued or failed {} job(s) whose worker stopped answering",
          *recovered);
      wake_.notify_all();
    }
    if (now - last_heartbeat < heartbeat_every) continue;
    last_heartbeat = now;
    std::vector<std::shared_ptr<RunningJob>> jobs;
    {
      std::lock_guard lock(mu_);
      for (auto& [id, job] : running_) jobs.push_back(job);
    }
    for (auto& job : jobs) job->Heartbeat();
  }
}

void WorkerPool::RunJob(store::JobRecord record) {
  const JobHandler* handler = registry_->Find(record.type);
  auto job = std::make_shared<RunningJob>(record, store_, clock_, &options_,
                                          &stopping_);
  {
    std::lock_guard lock(mu_);
    running_[record.id] = job;
  }
  std::error_code ec;
  std::filesystem::create_directories(job->checkpoint_dir(), ec);
  spdlog::info("job {} ({}) started, attempt {}", record.id, record.type,
               record.attempts);
  Status status = ec ? IoError("cannot create checkpoint dir: " + ec.message())
                     : (*handler)(*job);
  job->Flush();
  const int64_t now = clock_->NowMillis();
  Status end;
  auto finish = [&](store::JobStatus st, const std::string& error) {
    return store_->Finish(record.id, options_.worker_id, st, job->result(),
                          error, now);
  };
  if (job->lease_lost()) {
    end = Status::Ok();  // another worker owns it now; don't touch the row
  } else if (status.ok()) {
    end = finish(store::JobStatus::kCompleted, "");
  } else if (job->IsCancelled()) {
    end = finish(store::JobStatus::kCancelled, "cancelled by user");
  } else if (IsJobStopped(status)) {
    end = store_->Release(record.id, options_.worker_id, now);
  } else {
    end = finish(store::JobStatus::kFailed, status.message());
  }
  if (!end.ok())
    spdlog::warn("job {}: cannot record its end: {}", record.id,
                 end.ToString());
  spdlog::info("job {} ended: {}", record.id,
               status.ok() ? "ok" : status.ToString());
  std::lock_guard lock(mu_);
  running_.erase(record.id);
}

}  // namespace trainyard::jobs
