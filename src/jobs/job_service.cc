#include "jobs/job_service.h"

#include "core/ids.h"

namespace trainyard::jobs {

Result<store::JobRecord> JobService::Submit(const SubmitRequest& r) {
  if (registry_->Find(r.type) == nullptr) {
    std::string known;
    for (const auto& t : registry_->Types())
      known += (known.empty() ? "" : ", ") + t;
    return ValidationError("unknown job type '" + r.type + "'",
                           {{"type", "must be one of: " + known}});
  }
  if (r.max_attempts < 1) {
    return ValidationError("max_attempts must be >= 1",
                           {{"max_attempts", "must be >= 1"}});
  }
  store::JobRecord job;
  job.id = r.id.value_or(NewHexId24());
  job.type = r.type;
  job.owner_id = r.owner_id;
  job.params = r.params_json;
  job.total_units = r.total_units;
  job.max_attempts = r.max_attempts;
  job.priority = r.priority;
  job.status = store::JobStatus::kQueued;
  job.created_at = job.updated_at = clock_->NowMillis();
  TY_RETURN_IF_ERROR(store_->Insert(job, job.created_at));
  if (pool_) pool_->Wake();
  // Not re-read: a worker here or on another host may have claimed the job
  // since the insert, and every caller answers about the submission.
  return job;
}

Result<store::JobRecord> JobService::Get(const std::string& id) {
  return store_->Get(id);
}

Result<std::vector<store::JobRecord>> JobService::List(
    const store::JobFilter& f) {
  return store_->List(f);
}

Result<int64_t> JobService::Count(const store::JobFilter& f) {
  return store_->Count(f);
}

Result<store::JobRecord> JobService::Cancel(const std::string& id) {
  TY_ASSIGN_OR_RETURN(store::JobRecord job,
                      store_->RequestCancel(id, clock_->NowMillis()));
  if (pool_) pool_->NotifyCancel(id);
  return job;
}

Result<std::vector<store::JobLogLine>> JobService::Logs(const std::string& id,
                                                        int64_t after_id,
                                                        int64_t limit) {
  TY_RETURN_IF_ERROR(store_->Get(id).status());
  return store_->ListLogs(id, after_id, limit);
}

Result<std::vector<store::MetricPoint>> JobService::Metrics(
    const std::string& id, int64_t after_step, int64_t limit) {
  TY_RETURN_IF_ERROR(store_->Get(id).status());
  return store_->ListMetrics(id, after_step, limit);
}

Result<std::vector<store::JobCount>> JobService::CountByTypeAndStatus() {
  return store_->CountByTypeAndStatus();
}

}  // namespace trainyard::jobs
