#include "jobs/bounded_run.h"

#include <utility>

namespace trainyard::jobs {

namespace {

// The context of a handler running on a request's thread until a deadline.
class DeadlineContext final : public JobContext {
 public:
  DeadlineContext(store::JobRecord job, int64_t deadline_ms, const Clock* clock)
      : job_(std::move(job)), deadline_ms_(deadline_ms), clock_(clock) {}

  const store::JobRecord& job() const override { return job_; }
  void ReportProgress(int64_t, int64_t, const std::string&) override {}
  void Log(const std::string&) override {}
  bool ShouldStop() const override {
    return clock_->NowMillis() >= deadline_ms_;
  }
  bool IsCancelled() const override { return false; }
  const std::string& checkpoint_dir() const override { return no_dir_; }
  void SetResult(std::string result_json) override {
    result_ = std::move(result_json);
  }
  void RecordMetrics(int64_t, const MetricValues&) override {}

  std::optional<std::string>& result() { return result_; }

 private:
  store::JobRecord job_;
  int64_t deadline_ms_;
  const Clock* clock_;
  const std::string no_dir_;
  std::optional<std::string> result_;
};

}  // namespace

Result<BoundedRunOutcome> RunOrQueue(JobService* jobs,
                                     const JobHandler& handler,
                                     const SubmitRequest& submit,
                                     int64_t bound_ms, const Clock& clock) {
  BoundedRunOutcome outcome;
  if (bound_ms > 0) {
    store::JobRecord row;
    row.type = submit.type;
    row.owner_id = submit.owner_id;
    row.params = submit.params_json;
    row.status = store::JobStatus::kRunning;
    row.total_units = submit.total_units;
    row.attempts = 1;
    row.max_attempts = submit.max_attempts;
    row.priority = submit.priority;
    DeadlineContext context(std::move(row), clock.NowMillis() + bound_ms,
                            &clock);
    const Status ran = handler(context);
    if (ran.ok()) {
      outcome.result_json = std::move(context.result()).value_or("{}");
      return outcome;
    }
    if (!IsJobStopped(ran)) return ran;
  }
  TY_ASSIGN_OR_RETURN(outcome.job, jobs->Submit(submit));
  return outcome;
}

}  // namespace trainyard::jobs
