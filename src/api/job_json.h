// JSON views of job rows, shared by the jobs routes and `trainyard jobs`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "store/job_store.h"

namespace trainyard::api {

// {"id", "type", "owner_id", "status", "progress", "current_units",
//  "total_units", "metrics", "result", "error", "attempts", "max_attempts",
//  "cancel_requested", "created_at", "started_at", "finished_at",
//  "updated_at"}; times as UTC ISO-8601 or null; stored JSON documents are
// embedded as JSON (an unparseable one as null).
nlohmann::json JobToJson(const store::JobRecord& job);

// JobToJson's document as a response shape (api/response_schema.h), for
// the routes that answer with a job.
const std::string& JobJsonShape();

// Parses a stored JSON document; null if it is not valid JSON.
nlohmann::json ParseStoredJson(const std::string& text);

}  // namespace trainyard::api
