#include "products/studio/training_service.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/ids.h"
#include "products/studio/studio_errors.h"

namespace trainyard::studio {

using nlohmann::json;

namespace {

// Rows the training will see: business days in the window times symbols.
int64_t EstimateRows(const json& config) {
  const json& tc = config["training_config"];
  auto first = ml::ParseDate(tc["start_date"].get<std::string>());
  auto last = ml::ParseDate(tc["end_date"].get<std::string>());
  if (!first.ok() || !last.ok()) return 0;
  const int64_t days = (*last - *first + 1) * 5 / 7;
  return days * static_cast<int64_t>(tc["symbols"].size());
}

int64_t Trees(const json& config) {
  const json& hp = config["hyperparameters"];
  return hp.contains("n_estimators") ? hp["n_estimators"].get<int64_t>() : 100;
}

}  // namespace

const char* StudioJobStatus(store::JobStatus status) {
  switch (status) {
    case store::JobStatus::kQueued:
      return "PENDING";
    case store::JobStatus::kRunning:
      return "RUNNING";
    case store::JobStatus::kCompleted:
      return "COMPLETED";
    case store::JobStatus::kFailed:
      return "FAILED";
    case store::JobStatus::kCancelled:
      return "CANCELLED";
  }
  return "PENDING";
}

std::string StatusAfterStoppedRun(const StudioModel& model, bool failed) {
  if (failed) return kFailed;
  return model.version > 0 ? kCompleted : kDraft;
}

Result<double> FreeSecondsLeft(StudioContext& ctx, const store::User& user) {
  auto [from, to] = MonthBounds(ctx.NowMillis());
  TY_ASSIGN_OR_RETURN(double used,
                      ctx.training_jobs->ComputeSeconds(user.id, from, to));
  return std::max(0.0, ctx.settings.AllowanceHours(user.tier) * 3600.0 - used);
}

Result<StartedTraining> StartTraining(StudioContext& ctx,
                                      const store::User& user,
                                      const StudioModel& model,
                                      const std::string& job_name,
                                      const std::string& priority) {
  if (priority == "HIGH" && user.tier == store::Tier::kFree) {
    return SubscriptionRequiredError(
        "priority HIGH needs a PRO or ELITE subscription");
  }
  const int64_t now = ctx.NowMillis();
  Result<std::string> previous = ctx.models->Transition(
      model.id, {kDraft, kCompleted, kFailed}, kTraining, now);
  if (!previous.ok()) {
    if (previous.status().code() != ErrorCode::kConflict) {
      return previous.status();
    }
    return ConflictError("model '" + model.id + "' is " + model.status +
                         "; only DRAFT, COMPLETED or FAILED models can be "
                         "trained");
  }
  auto revert = [&] {
    (void)ctx.models->Transition(model.id, {kTraining}, *previous, now);
  };
  const int64_t groups = model.model_type == "CLASSIFICATION" ? 3 : 1;
  const int64_t folds =
      model.config["training_config"]["cross_validation_folds"].get<int64_t>();
  const double estimate =
      EstimateTrainingSeconds(EstimateRows(model.config), Trees(model.config),
                              groups, folds >= 2 ? folds : 0);
  Result<double> free_seconds = FreeSecondsLeft(ctx, user);
  if (!free_seconds.ok()) {
    revert();
    return free_seconds.status();
  }
  TrainingJobRow row;
  row.id = NewUuidV4();
  row.model_id = model.id;
  row.owner_id = user.id;
  row.job_name = job_name;
  row.priority = priority;
  row.model_version = model.version + 1;
  row.estimated_seconds = estimate;
  row.hold_cents =
      HoldCents(estimate, *free_seconds, ctx.settings.price_per_hour_cents);
  row.created_at = now;
  if (row.hold_cents > 0) {
    Result<double> paid =
        ctx.ledger->Apply(user.id, -row.hold_cents, kTrainingHold, row.id, now);
    if (!paid.ok()) {
      revert();
      return paid.status();
    }
  }
  auto undo = [&](const Status& st) -> Status {
    if (row.hold_cents > 0) {
      (void)ctx.ledger->Apply(user.id, row.hold_cents, kTrainingRefund, row.id,
                              now);
    }
    revert();
    return st;
  };
  Status inserted = ctx.training_jobs->Insert(row);
  if (!inserted.ok()) return undo(inserted);
  jobs::SubmitRequest submit;
  submit.type = kTrainJobType;
  submit.owner_id = user.id;
  submit.id = row.id;
  submit.params_json = json{{"model_id", model.id}}.dump();
  submit.total_units = 1000;
  submit.priority = priority == "HIGH"  ? jobs::kPriorityHigh
                    : priority == "LOW" ? jobs::kPriorityLow
                                        : jobs::kPriorityNormal;
  Result<store::JobRecord> job = ctx.jobs->Submit(submit);
  if (!job.ok()) {
    (void)ctx.training_jobs->Settle(row.id, 0, 0, row.hold_cents, "FAILED",
                                    now);
    return undo(job.status());
  }
  return StartedTraining{row, now + static_cast<int64_t>(estimate * 1000)};
}

Result<TrainingJobRow> SettleTraining(StudioContext& ctx,
                                      const std::string& job_id,
                                      const std::string& outcome,
                                      double compute_seconds) {
  TY_ASSIGN_OR_RETURN(TrainingJobRow row, ctx.training_jobs->Get(job_id));
  if (row.settled) return row;
  TY_ASSIGN_OR_RETURN(store::User user,
                      ctx.deps.store->users()->GetUser(row.owner_id));
  TY_ASSIGN_OR_RETURN(double free_seconds, FreeSecondsLeft(ctx, user));
  const Settlement s =
      Settle(row.hold_cents, compute_seconds, free_seconds,
             ctx.settings.price_per_hour_cents, outcome == "FAILED");
  const int64_t now = ctx.NowMillis();
  TY_ASSIGN_OR_RETURN(
      bool settled,
      ctx.training_jobs->Settle(row.id, compute_seconds, s.charged_cents,
                                s.refund_cents, outcome, now));
  if (settled && s.refund_cents > 0) {
    TY_RETURN_IF_ERROR(
        ctx.ledger
            ->Apply(row.owner_id, s.refund_cents, kTrainingRefund, row.id, now)
            .status());
  }
  return ctx.training_jobs->Get(job_id);
}

Result<TrainingJobRow> ReconcileTraining(StudioContext& ctx,
                                         const TrainingJobRow& row,
                                         const store::JobRecord& job) {
  if (row.settled || !store::IsTerminal(job.status)) return row;
  const bool failed = job.status != store::JobStatus::kCancelled &&
                      job.status != store::JobStatus::kCompleted;
  double seconds = 0;
  if (job.started_at && job.finished_at) {
    seconds = static_cast<double>(*job.finished_at - *job.started_at) / 1000.0;
  }
  TY_ASSIGN_OR_RETURN(
      TrainingJobRow settled,
      SettleTraining(ctx, row.id, StudioJobStatus(job.status), seconds));
  Result<StudioModel> model = ctx.models->Get(row.model_id);
  if (model.ok() && model->status == kTraining) {
    (void)ctx.models->Transition(model->id, {kTraining},
                                 StatusAfterStoppedRun(*model, failed),
                                 ctx.NowMillis());
  }
  return settled;
}

}  // namespace trainyard::studio
