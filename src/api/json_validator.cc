#include "api/json_validator.h"

#include <cmath>
#include <sstream>

namespace trainyard::api {

namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || s.size() > 19) return false;
  size_t i = s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  int64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = s[0] == '-' ? -v : v;
  return true;
}

}  // namespace

Result<nlohmann::json> ParseJsonObject(const std::string& body,
                                       bool empty_is_object) {
  if (body.empty() && empty_is_object) return nlohmann::json::object();
  nlohmann::json parsed =
      nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    // Re-parse with exceptions only to get the position for the message.
    std::string why = "malformed JSON";
    try {
      (void)nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
      why = "malformed JSON at byte " + std::to_string(e.byte);
    }
    return ValidationError("request body is not valid JSON", {{"body", why}});
  }
  if (!parsed.is_object()) {
    return ValidationError("request body must be a JSON object",
                           {{"body", "expected a JSON object"}});
  }
  return parsed;
}

const nlohmann::json* JsonValidator::Find(const std::string& key,
                                          bool required) {
  auto it = obj_.find(key);
  if (it == obj_.end() || it->is_null()) {
    if (required) AddError(key, "This field is required");
    return nullptr;
  }
  return &*it;
}

void JsonValidator::AddError(const std::string& field,
                             const std::string& message) {
  errors_.push_back({field, message});
}

std::optional<std::string> JsonValidator::RequiredString(const std::string& key,
                                                         size_t max_len) {
  const nlohmann::json* v = Find(key, true);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    AddError(key, "must be a string");
    return std::nullopt;
  }
  const std::string& s = v->get_ref<const std::string&>();
  if (s.empty()) {
    AddError(key, "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    AddError(key, "must be at most " + std::to_string(max_len) + " characters");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> JsonValidator::OptionalString(const std::string& key,
                                                         size_t max_len) {
  if (!Find(key, false)) return std::nullopt;
  return RequiredString(key, max_len);
}

std::optional<int64_t> JsonValidator::RequiredInt(const std::string& key,
                                                  int64_t min, int64_t max) {
  const nlohmann::json* v = Find(key, true);
  if (!v) return std::nullopt;
  int64_t x;
  if (v->is_number_integer()) {
    x = v->get<int64_t>();
  } else if (v->is_number_float() &&
             std::floor(v->get<double>()) == v->get<double>() &&
             std::fabs(v->get<double>()) < 9e15) {
    x = static_cast<int64_t>(v->get<double>());
  } else {
    AddError(key, "must be an integer");
    return std::nullopt;
  }
  if (x < min || x > max) {
    AddError(key, "must be between " + std::to_string(min) + " and " +
                      std::to_string(max));
    return std::nullopt;
  }
  return x;
}

std::optional<int64_t> JsonValidator::OptionalInt(const std::string& key,
                                                  int64_t min, int64_t max) {
  if (!Find(key, false)) return std::nullopt;
  return RequiredInt(key, min, max);
}

std::optional<double> JsonValidator::RequiredNumber(const std::string& key,
                                                    double min, double max) {
  const nlohmann::json* v = Find(key, true);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    AddError(key, "must be a number");
    return std::nullopt;
  }
  double x = v->get<double>();
  if (!std::isfinite(x) || x < min || x > max) {
    std::ostringstream msg;
    msg << "must be between " << min << " and " << max;
    AddError(key, msg.str());
    return std::nullopt;
  }
  return x;
}

std::optional<double> JsonValidator::OptionalNumber(const std::string& key,
                                                    double min, double max) {
  if (!Find(key, false)) return std::nullopt;
  return RequiredNumber(key, min, max);
}

std::optional<bool> JsonValidator::OptionalBool(const std::string& key) {
  const nlohmann::json* v = Find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_boolean()) {
    AddError(key, "must be true or false");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<std::string> JsonValidator::RequiredEnum(
    const std::string& key, const std::vector<std::string>& allowed) {
  std::optional<std::string> s = RequiredString(key);
  if (!s) return std::nullopt;
  for (const auto& a : allowed) {
    if (*s == a) return s;
  }
  AddError(key, "must be one of: " + Join(allowed));
  return std::nullopt;
}

std::optional<std::string> JsonValidator::OptionalEnum(
    const std::string& key, const std::vector<std::string>& allowed) {
  if (!Find(key, false)) return std::nullopt;
  return RequiredEnum(key, allowed);
}

std::optional<nlohmann::json> JsonValidator::OptionalObject(
    const std::string& key) {
  const nlohmann::json* v = Find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_object()) {
    AddError(key, "must be an object");
    return std::nullopt;
  }
  return *v;
}

std::optional<nlohmann::json> JsonValidator::OptionalArray(
    const std::string& key) {
  const nlohmann::json* v = Find(key, false);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    AddError(key, "must be an array");
    return std::nullopt;
  }
  return *v;
}

void JsonValidator::RejectUnknownKeys(const std::vector<std::string>& allowed) {
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    bool known = false;
    for (const auto& a : allowed) known |= it.key() == a;
    if (!known) AddError(it.key(), "unknown field; allowed: " + Join(allowed));
  }
}

Status JsonValidator::Finish(const std::string& message) const {
  if (errors_.empty()) return Status::Ok();
  return ValidationError(message, errors_);
}

int64_t QueryValidator::Int(const std::string& key, int64_t fallback,
                            int64_t min, int64_t max) {
  std::optional<std::string> raw = request_.Query(key);
  if (!raw) return fallback;
  int64_t v;
  if (!ParseInt64(*raw, &v) || v < min || v > max) {
    errors_.push_back({key, "must be an integer between " +
                                std::to_string(min) + " and " +
                                std::to_string(max)});
    return fallback;
  }
  return v;
}

std::optional<std::string> QueryValidator::Enum(
    const std::string& key, const std::vector<std::string>& allowed) {
  std::optional<std::string> raw = request_.Query(key);
  if (!raw) return std::nullopt;
  for (const auto& a : allowed) {
    if (*raw == a) return raw;
  }
  errors_.push_back({key, "must be one of: " + Join(allowed)});
  return std::nullopt;
}

std::optional<std::string> QueryValidator::String(const std::string& key) {
  return request_.Query(key);
}

Status QueryValidator::Finish(const std::string& message) const {
  if (errors_.empty()) return Status::Ok();
  return ValidationError(message, errors_);
}

}  // namespace trainyard::api
