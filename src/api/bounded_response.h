// Answers for requests whose work may outlast a client's patience (ILP
// evaluate, gym reconcile): the work runs on the HTTP thread up to a bound
// and then continues as a job the caller polls at /api/jobs/{id}, whose
// result is the answer the request would have given.
#pragma once

#include <cstdint>
#include <string>

#include "api/http_types.h"
#include "core/clock.h"
#include "jobs/bounded_run.h"
#include "jobs/job_service.h"

namespace trainyard::api {

// How long `req`'s work may run on its thread: `configured_ms` (the
// server's Config::sync_request_ms), shortened by the client's RFC 7240
// Prefer header — "respond-async" asks for a job at once (0), "wait=N" for
// an answer within N seconds. Unknown preferences are ignored, as the RFC
// says.
int64_t RequestWorkBoundMs(const Request& req, int64_t configured_ms);

// The shape (api/response_schema.h) of RunOrAccept's 202 answer, for the
// declarations of the routes that answer through it.
const std::string& AcceptedJobShape();

// jobs::RunOrQueue with `req`'s bound, answered as HTTP: 200 with the
// handler's result document when it finished in time; otherwise 202 with
// {"message", "job_id", "status", "status_url", "job"} and a Location
// header naming /api/jobs/<id>. Errors: the handler's or the queue's.
// REQUIRES: as jobs::RunOrQueue.
Result<Response> RunOrAccept(const Request& req, jobs::JobService* jobs,
                             const jobs::JobHandler& handler,
                             const jobs::SubmitRequest& submit,
                             int64_t configured_ms, const Clock& clock);

}  // namespace trainyard::api
