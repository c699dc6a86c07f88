#include "api/bounded_response.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>
#include <string_view>

#include "api/error_response.h"
#include "api/job_json.h"
#include "core/ascii.h"

namespace trainyard::api {

int64_t RequestWorkBoundMs(const Request& req, int64_t configured_ms) {
  const std::string prefer = req.Header("Prefer");
  int64_t bound = configured_ms;
  std::string_view rest = prefer;
  while (!rest.empty()) {
    const size_t comma = rest.find(',');
    std::string_view token = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    token =
        TrimAsciiSpace(token.substr(0, token.find(';')));  // no parameters used
    const size_t eq = token.find('=');
    const std::string_view name = TrimAsciiSpace(token.substr(0, eq));
    if (EqualsIgnoringAsciiCase(name, "respond-async")) {
      bound = 0;
    } else if (EqualsIgnoringAsciiCase(name, "wait") &&
               eq != std::string_view::npos) {
      std::string_view value = TrimAsciiSpace(token.substr(eq + 1));
      int64_t seconds = 0;
      auto [end, error] =
          std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (error == std::errc() && end == value.data() + value.size() &&
          seconds >= 0 && seconds < int64_t{1} << 40)
        bound = std::min(bound, seconds * 1000);
    }
  }
  return std::max<int64_t>(bound, 0);
}

Result<Response> RunOrAccept(const Request& req, jobs::JobService* jobs,
                             const jobs::JobHandler& handler,
                             const jobs::SubmitRequest& submit,
                             int64_t configured_ms, const Clock& clock) {
  const int64_t bound_ms = RequestWorkBoundMs(req, configured_ms);
  TY_ASSIGN_OR_RETURN(jobs::BoundedRunOutcome outcome,
                      jobs::RunOrQueue(jobs, handler, submit, bound_ms, clock));
  if (outcome.result_json) return JsonResponse(200, *outcome.result_json);
  const store::JobRecord& job = *outcome.job;
  const std::string url = "/api/jobs/" + job.id;
  const nlohmann::json body = {
      {"message",
       bound_ms == 0
           ? "Accepted as a job: poll status_url; its result is this "
             "request's answer"
           : "Still running after " + std::to_string(bound_ms / 1000) +
                 " s: continues as a job; poll status_url, its result is "
                 "this request's answer"},
      {"job_id", job.id},
      {"status", store::JobStatusName(job.status)},
      {"status_url", url},
      {"job", JobToJson(job)}};
  Response response = JsonResponse(202, body.dump());
  response.AddHeader("Location", url);
  if (bound_ms == 0 && configured_ms > 0)
    response.AddHeader("Preference-Applied", "respond-async");
  return response;
}

const std::string& AcceptedJobShape() {
  static const auto* shape = new std::string(
      R"({"message": "string", "job_id": "string", "status": "string",
          "status_url": "string", "job": )" +
      JobJsonShape() + "}");
  return *shape;
}

}  // namespace trainyard::api
