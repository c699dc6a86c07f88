#include "api/job_json.h"

#include "core/clock.h"

namespace trainyard::api {

nlohmann::json ParseStoredJson(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  return j.is_discarded() ? nlohmann::json(nullptr) : j;
}

namespace {
nlohmann::json OptionalTime(const std::optional<int64_t>& ms) {
  return ms ? nlohmann::json(FormatIso8601Millis(*ms))
            : nlohmann::json(nullptr);
}
}  // namespace

nlohmann::json JobToJson(const store::JobRecord& j) {
  return {{"id", j.id},
          {"type", j.type},
          {"owner_id", j.owner_id},
          {"status", store::JobStatusName(j.status)},
          {"progress", j.progress},
          {"current_units", j.current_units},
          {"total_units", j.total_units},
          {"params", ParseStoredJson(j.params)},
          {"metrics", ParseStoredJson(j.metrics)},
          {"result", ParseStoredJson(j.result)},
          {"error",
           j.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(j.error)},
          {"attempts", j.attempts},
          {"max_attempts", j.max_attempts},
          {"cancel_requested", j.cancel_requested},
          {"created_at", FormatIso8601Millis(j.created_at)},
          {"started_at", OptionalTime(j.started_at)},
          {"finished_at", OptionalTime(j.finished_at)},
          {"updated_at", FormatIso8601Millis(j.updated_at)}};
}

const std::string& JobJsonShape() {
  static const auto* shape = new std::string(R"({
    "id": "string", "type": "string", "owner_id": "string",
    "status": "string", "progress": "number", "current_units": "integer",
    "total_units": "integer", "params": "any", "metrics": "any",
    "result": "any", "error": "string|null", "attempts": "integer",
    "max_attempts": "integer", "cancel_requested": "boolean",
    "created_at": "string", "started_at": "string|null",
    "finished_at": "string|null", "updated_at": "string"})");
  return *shape;
}

}  // namespace trainyard::api
