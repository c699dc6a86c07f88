#include "products/ilp/workspace.h"

#include <filesystem>
#include <system_error>

namespace trainyard::ilp {
namespace {

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

bool ConsumePrefix(std::string_view* s, std::string_view prefix) {
  if (s->substr(0, prefix.size()) != prefix) return false;
  s->remove_prefix(prefix.size());
  return true;
}

bool ConsumeSuffix(std::string_view* s, std::string_view suffix) {
  if (s->size() < suffix.size() ||
      s->substr(s->size() - suffix.size()) != suffix)
    return false;
  s->remove_suffix(suffix.size());
  return true;
}

}  // namespace

Result<std::string> ModelNameFromReference(std::string_view reference,
                                           std::string_view algo,
                                           std::string_view field) {
  std::string_view s = reference;
  const std::string f(field);
  if (ConsumePrefix(&s, "model_storage/")) {
    const std::string expected = std::string(algo) + "/";
    if (!ConsumePrefix(&s, expected)) {
      return ValidationError(
          "invalid " + f + ": not a " + std::string(algo) + " model path",
          {{f, "must be a name or model_storage/" + std::string(algo) +
                   "/<name>"}});
    }
  }
  if (!ConsumeSuffix(&s, std::string("/") + kActorFile))
    ConsumeSuffix(&s, std::string("/") + kCriticFile);
  bool ok = !s.empty() && s.size() <= 128 && s.front() != '.';
  for (char c : s) ok = ok && IsNameChar(c);
  if (!ok) {
    return ValidationError(
        "invalid " + f + ": '" + std::string(reference) + "'",
        {{f,
          "model names are 1-128 characters of A-Z a-z 0-9 . _ - (not "
          "starting with '.'), optionally prefixed by model_storage/" +
              std::string(algo) + "/"}});
  }
  return std::string(s);
}

Result<ModelReference> ParseModelReference(std::string_view reference,
                                           std::string_view algo,
                                           std::string_view field) {
  std::string_view s = reference;
  if (!ConsumeSuffix(&s, std::string("/") + kActorFile))
    ConsumeSuffix(&s, std::string("/") + kCriticFile);
  ModelReference out;
  const size_t slash = s.rfind('/');
  if (slash != std::string_view::npos && slash + 2 <= s.size() &&
      s[slash + 1] == 'v') {
    const std::string_view digits = s.substr(slash + 2);
    bool numeric =
        !digits.empty() && digits.size() <= 9 && digits.front() != '0';
    for (char c : digits) numeric = numeric && c >= '0' && c <= '9';
    // "model_storage/ppo/v2" is the model called v2, not a version.
    Result<std::string> name =
        numeric ? ModelNameFromReference(s.substr(0, slash), algo, field)
                : Result<std::string>(ValidationError(""));
    if (name.ok()) {
      out.name = *name;
      out.version = std::stoll(std::string(digits));
      return out;
    }
  }
  TY_ASSIGN_OR_RETURN(out.name, ModelNameFromReference(s, algo, field));
  return out;
}

std::string Workspace::base() const {
  std::lock_guard<std::mutex> lock(mu_);
  return base_;
}

Status Workspace::SetBase(std::string_view path) {
  if (path.empty()) {
    return ValidationError("invalid base_path",
                           {{"base_path", "must not be empty"}});
  }
  TY_ASSIGN_OR_RETURN(std::string resolved,
                      data_dir_->ResolveInside(path, "base_path"));
  std::error_code ec;
  std::filesystem::create_directories(resolved, ec);
  if (ec) return IoError("cannot create base_path: " + ec.message());
  std::lock_guard<std::mutex> lock(mu_);
  base_ = std::filesystem::path(resolved).lexically_normal().string();
  while (base_.size() > 1 && base_.back() == '/') base_.pop_back();
  return Status::Ok();
}

void Workspace::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  base_ = data_dir_->root();
}

Result<std::string> Workspace::Resolve(std::string_view relative,
                                       std::string_view field) const {
  if (relative.empty() || relative.front() == '/') {
    return ValidationError(
        "invalid " + std::string(field) + ": must be a relative path",
        {{std::string(field),
          "must be a relative path inside the data "
          "directory"}});
  }
  const std::string base_rel = data_dir_->Relative(base());
  return data_dir_->Resolve(base_rel + "/" + std::string(relative), field);
}

ModelPaths Workspace::PathsFor(std::string_view algo,
                               std::string_view name) const {
  ModelPaths p;
  p.rel_model_dir =
      "model_storage/" + std::string(algo) + "/" + std::string(name);
  p.rel_csv_dir =
      "model_outdir_csv/" + std::string(algo) + "/" + std::string(name);
  const std::string b = base();
  p.model_dir = b + "/" + p.rel_model_dir;
  p.csv_dir = b + "/" + p.rel_csv_dir;
  return p;
}

}  // namespace trainyard::ilp
