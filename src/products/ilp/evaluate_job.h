// POST ddpg/evaluate and ppo/evaluate as one job type, "ilp.evaluate": the
// route validates, resolves the model version and runs the job's handler
// on its own thread up to the server's bound (api/bounded_response.h);
// longer evaluations continue on a worker, on any host, and their job
// result is the answer the route gives for short ones.
#pragma once

#include <optional>
#include <string>

#include "core/status.h"
#include "jobs/job_context.h"
#include "products/ilp/evaluation.h"
#include "products/ilp/model_registry.h"
#include "store/artifact_store.h"

namespace trainyard::ilp {

inline constexpr const char* kEvaluateJobType = "ilp.evaluate";

// The job's parameters: `request` (without its progress hook and replay
// prices) for `version`, replaying the owner's imported `market_data` when
// set.
std::string EvaluateJobParams(const EvaluateRequest& request,
                              const IlpVersion& version,
                              const std::optional<std::string>& market_data);

// Evaluates `model` as `request` asks (request.replay_prices already loaded
// when `market_data` names a data set), with progress reported to `ctx`
// (and JobStopped() when ctx.ShouldStop()), keeps the summary with the
// version and sets the route's answer as ctx's result. The route calls it
// with what it has read once; RunEvaluateJob after reading it from the
// job. Errors: RunEvaluation's. Thread-safe.
Status EvaluateVersion(IlpModelRegistry* registry, const IlpVersion& model,
                       EvaluateRequest request,
                       const std::optional<std::string>& market_data,
                       jobs::JobContext& ctx);

// Runs the evaluation the job's parameters describe for the job's owner:
// finds the version (fetching its files when another host trained it),
// loads the market data and calls EvaluateVersion. Errors: VALIDATION_ERROR
// for unreadable parameters, NOT_FOUND for a version or market data gone
// since, RunEvaluation's. Thread-safe.
Status RunEvaluateJob(IlpModelRegistry* registry,
                      store::ArtifactStore* artifacts, jobs::JobContext& ctx);

}  // namespace trainyard::ilp
