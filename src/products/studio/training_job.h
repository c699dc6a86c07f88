// The "studio.train" job handler: loads the model's configuration and price
// series, runs the XGBoost pipeline (walk-forward CV, final fit, test
// metrics, backtest) with progress and cancel, stores the artifact, the
// results and the importance / SHAP summary plots, settles the credits and
// queues the training_job.completed / .failed webhooks.
#pragma once

#include <memory>

#include "jobs/job_context.h"
#include "products/studio/studio_context.h"

namespace trainyard::studio {

// Runs one training job. Returns OK, JobStopped() on cancel or shutdown, or
// the training error (the job then fails with its message).
Status RunTrainingJob(StudioContext& ctx, jobs::JobContext& job);

}  // namespace trainyard::studio
