#include "products/ilp/route_support.h"

namespace trainyard::ilp {

Status AddRouteTable(api::Router* router,
                     const std::shared_ptr<IlpContext>& ctx,
                     const std::vector<IlpRoute>& routes) {
  for (const IlpRoute& r : routes) {
    IlpHandler fn = r.fn;
    TY_RETURN_IF_ERROR(
        router->Add({r.method, r.pattern, r.access,
                     [ctx, fn](api::Request& req) { return fn(*ctx, req); },
                     r.max_body_bytes, r.body}));
  }
  return Status::Ok();
}

Status AddIlpAlgoRoute(api::Router* router, const std::string& method,
                       const std::string& pattern, api::Access access,
                       const std::shared_ptr<IlpContext>& ctx,
                       IlpAlgoHandler fn, const std::string& algo,
                       std::shared_ptr<const api::BodySchema> body) {
  return router->Add(
      {method, pattern, access,
       [ctx, fn, algo](api::Request& r) { return fn(*ctx, algo, r); }, 0,
       std::move(body)});
}

Result<IlpVersion> UsableVersion(IlpContext& s, const api::Principal& caller,
                                 const std::string& algo,
                                 const ModelReference& ref) {
  if (ref.version)
    return s.registry.Find(caller.user_id, algo, ref.name, ref.version);
  TY_ASSIGN_OR_RETURN(std::vector<IlpVersion> all,
                      s.registry.Versions(caller.user_id, algo, ref.name));
  std::string training_job;
  for (auto it = all.rbegin(); it != all.rend(); ++it) {
    bool usable = it->job_id.empty();  // adopted: trained before jobs
    if (!usable) {
      Result<store::JobRecord> job = s.jobs->Get(it->job_id);
      if (!job.ok()) continue;
      usable = job->status == store::JobStatus::kCompleted;
      if (job->status == store::JobStatus::kQueued ||
          job->status == store::JobStatus::kRunning)
        training_job = job->id;
    }
    if (!usable) continue;
    // Versions fetches nothing: bring here the files another host trained,
    // as Find does.
    TY_RETURN_IF_ERROR(s.registry.FetchFiles(*it));
    return *it;
  }
  if (!training_job.empty()) {
    return ConflictError("model 'model_storage/" + algo + "/" + ref.name +
                         "' has no trained version yet: job " + training_job +
                         " is still training it");
  }
  return NotFoundError("model 'model_storage/" + algo + "/" + ref.name +
                       "' has no successfully trained version");
}

std::string ResultStatus(store::JobStatus st) {
  switch (st) {
    case store::JobStatus::kQueued:
    case store::JobStatus::kRunning:
      return "running";
    case store::JobStatus::kCompleted:
      return "done";
    case store::JobStatus::kFailed:
      return "failed";
    case store::JobStatus::kCancelled:
      return "cancelled";
  }
  return "failed";
}

}  // namespace trainyard::ilp
