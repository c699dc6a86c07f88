#include "api/json_validator.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "core/suggest.h"

namespace trainyard::api {

namespace {

std::string Join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) out += (out.empty() ? "" : ", ") + v;
  return out;
}

// "; did you mean "x"?" when `given` is a likely typo of one of `allowed`
// (core/suggest), otherwise empty: a misspelt name or value then says
// what was meant instead of only listing what is allowed.
std::string DidYouMean(const std::string& given,
                       const std::vector<std::string>& allowed) {
  std::optional<std::string> near = ClosestName(given, allowed);
  return near ? "; did you mean \"" + *near + "\"?" : "";
}

// A plain decimal integer ("-12"), no sign '+', spaces or overflow.
bool ParseInt64(const std::string& s, int64_t* out) {
  if (s.empty() || s[0] == '+') return false;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, *out);
  return ec == std::errc() && ptr == end;
}

// Deepest nesting of [ and { in `text`, scanning past strings; stops
// counting once `limit` is exceeded. Parsing and copying JSON recurse per
// level, so depth is checked before the parser runs.
int NestingDepth(const std::string& text, int limit) {
  int depth = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) break;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return deepest;
}

Status BodyError(const std::string& message, const std::string& why) {
  return ValidationError(message, {{"body", why}});
}

}  // namespace

Result<nlohmann::json> ParseJsonObject(const std::string& body,
                                       bool empty_is_object) {
  if (body.empty() && empty_is_object) return nlohmann::json::object();
  if (NestingDepth(body, kMaxJsonDepth) > kMaxJsonDepth) {
    return BodyError("request body is nested too deeply",
                     "arrays and objects may nest at most " +
                         std::to_string(kMaxJsonDepth) + " levels deep");
  }
  nlohmann::json parsed;
  // The parser reports a number outside the range of a double as
  // out_of_range (even with exceptions turned off it only discards), and
  // everything else as parse_error; both become a 400 naming the body.
  try {
    parsed = nlohmann::json::parse(body);
  } catch (const nlohmann::json::parse_error& e) {
    return BodyError(
        "request body is not valid JSON",
        "malformed JSON (or invalid UTF-8) at byte " + std::to_string(e.byte));
  } catch (const nlohmann::json::out_of_range&) {
    return BodyError("request body has a number out of range",
                     "a number is outside the range of a double "
                     "(about ±1.8e308)");
  } catch (const nlohmann::json::exception&) {
    return BodyError("request body is not valid JSON", "malformed JSON");
  }
  if (!parsed.is_object()) {
    return BodyError("request body must be a JSON object",
                     "expected a JSON object");
  }
  return parsed;
}

const nlohmann::json* JsonValidator::Find(const std::string& key,
                                          bool required) {
  auto it = obj_.find(key);
  if (it == obj_.end()) {
    if (required) AddError(key, "This field is required");
    return nullptr;
  }
  if (it->is_null()) {
    AddError(key, required ? "This field may not be null"
                           : "This field may not be null; omit it to use "
                             "the default");
    return nullptr;
  }
  return &*it;
}

void JsonValidator::AddError(const std::string& field,
                             const std::string& message) {
  if (errors_.size() >= kMaxFieldErrors) {
    ++dropped_errors_;
    return;
  }
  errors_.push_back({field, message});
}

std::optional<std::string> JsonValidator::String(const std::string& key,
                                                 bool required,
                                                 size_t max_len) {
  const nlohmann::json* v = Find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    AddError(key, "must be a string");
    return std::nullopt;
  }
  const std::string& s = v->get_ref<const std::string&>();
  if (required && s.empty()) {
    AddError(key, "must not be empty");
    return std::nullopt;
  }
  if (s.size() > max_len) {
    AddError(key, "must be at most " + std::to_string(max_len) + " bytes");
    return std::nullopt;
  }
  return s;
}

std::optional<std::string> JsonValidator::RequiredString(const std::string& key,
                                                         size_t max_len) {
  return String(key, true, max_len);
}

std::optional<std::string> JsonValidator::OptionalString(const std::string& key,
                                                         size_t max_len) {
  return String(key, false, max_len);
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
  AddError(key, "must be one of: " + Join(allowed) + DidYouMean(*s, allowed));
  return std::nullopt;
}

std::optional<std::string> JsonValidator::OptionalEnum(
    const std::string& key, const std::vector<std::string>& allowed) {
  if (!Find(key, false)) return std::nullopt;
  return RequiredEnum(key, allowed);
}

std::optional<nlohmann::json> JsonValidator::Container(const std::string& key,
                                                       bool required,
                                                       bool object) {
  const nlohmann::json* v = Find(key, required);
  if (!v) return std::nullopt;
  if (object ? !v->is_object() : !v->is_array()) {
    AddError(key, object ? "must be an object" : "must be an array");
    return std::nullopt;
  }
  return *v;
}

std::optional<nlohmann::json> JsonValidator::RequiredObject(
    const std::string& key) {
  return Container(key, true, true);
}

std::optional<nlohmann::json> JsonValidator::OptionalObject(
    const std::string& key) {
  return Container(key, false, true);
}

std::optional<nlohmann::json> JsonValidator::RequiredArray(
    const std::string& key) {
  return Container(key, true, false);
}

std::optional<nlohmann::json> JsonValidator::OptionalArray(
    const std::string& key) {
  return Container(key, false, false);
}

std::optional<std::vector<std::string>> JsonValidator::StringArray(
    const std::string& key, bool required, size_t max_items, size_t max_len) {
  const nlohmann::json* v = Find(key, required);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    AddError(key, "must be an array");
    return std::nullopt;
  }
  if (v->empty() || v->size() > max_items) {
    AddError(key, v->empty()
                      ? "must not be empty"
                      : "at most " + std::to_string(max_items) + " items");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : *v) {
    if (!item.is_string() || item.get_ref<const std::string&>().empty()) {
      AddError(key, "must be an array of non-empty strings");
      return std::nullopt;
    }
    if (item.get_ref<const std::string&>().size() > max_len) {
      AddError(key, "each item must be at most " + std::to_string(max_len) +
                        " bytes");
      return std::nullopt;
    }
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::optional<std::vector<std::string>> JsonValidator::RequiredStringArray(
    const std::string& key, size_t max_items, size_t max_len) {
  return StringArray(key, true, max_items, max_len);
}

std::optional<std::vector<std::string>> JsonValidator::OptionalStringArray(
    const std::string& key, size_t max_items, size_t max_len) {
  return StringArray(key, false, max_items, max_len);
}

void JsonValidator::RejectUnknownKeys(const std::vector<std::string>& allowed) {
  for (auto it = obj_.begin(); it != obj_.end(); ++it) {
    bool known = false;
    for (const auto& a : allowed) known |= it.key() == a;
    if (!known) {
      AddError(it.key(), "unknown field" + DidYouMean(it.key(), allowed) +
                             "; allowed: " + Join(allowed));
    }
  }
}

Status JsonValidator::Finish(const std::string& message) const {
  if (ok()) return Status::Ok();
  std::vector<FieldError> errors = errors_;
  if (dropped_errors_ > 0) {
    errors.push_back({"body", std::to_string(dropped_errors_) +
                                  " more problems not listed"});
  }
  return ValidationError(message, std::move(errors));
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
  errors_.push_back(
      {key, "must be one of: " + Join(allowed) + DidYouMean(*raw, allowed)});
  return std::nullopt;
}

std::optional<std::string> QueryValidator::String(const std::string& key,
                                                  size_t max_len) {
  std::optional<std::string> raw = request_.Query(key);
  if (raw && raw->size() > max_len) {
    errors_.push_back(
        {key, "must be at most " + std::to_string(max_len) + " bytes"});
    return std::nullopt;
  }
  return raw;
}

void QueryValidator::RejectUnknownKeys(
    const std::vector<std::string>& allowed) {
  for (const auto& [key, value] : request_.query) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
      continue;
    }
    // A repeated unknown key is reported once.
    bool reported = false;
    for (const FieldError& e : errors_) reported |= e.field == key;
    if (!reported) {
      AddError(key, "unknown parameter" + DidYouMean(key, allowed) +
                        "; allowed: " + Join(allowed));
    }
  }
}

void QueryValidator::AddError(const std::string& field,
                              const std::string& message) {
  errors_.push_back({field, message});
}

Status QueryValidator::Finish(const std::string& message) const {
  if (errors_.empty()) return Status::Ok();
  return ValidationError(message, errors_);
}

}  // namespace trainyard::api
