#include "jobs/job_context.h"

namespace trainyard::jobs {

Status JobStopped() {
  return Status(ErrorCode::kUnavailable, "job stopped before finishing");
}

bool IsJobStopped(const Status& status) {
  return status.code() == ErrorCode::kUnavailable;
}

Status JobHandlerRegistry::Register(const std::string& type,
                                    JobHandler handler) {
  if (!handlers_.emplace(type, std::move(handler)).second) {
    return ConflictError("job type '" + type + "' is already registered");
  }
  return Status::Ok();
}

const JobHandler* JobHandlerRegistry::Find(const std::string& type) const {
  auto it = handlers_.find(type);
  return it == handlers_.end() ? nullptr : &it->second;
}

std::vector<std::string> JobHandlerRegistry::Types() const {
  std::vector<std::string> out;
  for (const auto& [type, handler] : handlers_) out.push_back(type);
  return out;
}

}  // namespace trainyard::jobs
