#include "products/ilp/model_registry.h"

#include <algorithm>
#include <span>

#include "core/ids.h"

namespace trainyard::ilp {
namespace {

constexpr const char* kActive = "ACTIVE";

// What a version's fetched files depend on in its row: a new evaluation
// (its logs are published before its summary is stored), another job or
// other directories mean fetching again.
std::string FetchStamp(const IlpVersion& v) {
  return v.job_id + '\n' + v.evaluation + '\n' + v.paths.model_dir + '\n' +
         v.paths.csv_dir;
}

// "<dir>/" for a non-empty relative directory, "" for the root.
std::string DirPrefix(const std::string& relative) {
  return relative.empty() || relative == "." ? "" : relative + "/";
}

}  // namespace

std::string IlpModelKind(const std::string& algo) { return "ilp." + algo; }

Result<store::ModelRecord> IlpModelRegistry::FindOrCreateModel(
    const std::string& owner_id, const std::string& algo,
    const std::string& name) {
  Result<store::ModelRecord> found =
      models_->FindByName(owner_id, IlpModelKind(algo), name);
  if (found.status().code() != ErrorCode::kNotFound) return found;
  const int64_t now = clock_->NowMillis();
  store::ModelRecord m{
      NewUuidV4(), owner_id, IlpModelKind(algo), name, kActive, "{}", now, now};
  Status created = models_->Create(m);
  // Another request created it meanwhile: use theirs.
  if (created.code() == ErrorCode::kConflict)
    return models_->FindByName(owner_id, IlpModelKind(algo), name);
  TY_RETURN_IF_ERROR(created);
  return m;
}

IlpVersion IlpModelRegistry::FromRecord(const store::ModelRecord& model,
                                        const store::ModelVersion& v) const {
  IlpVersion out;
  out.model_id = model.id;
  out.owner_id = model.owner_id;
  out.algo = model.kind.substr(4);  // after "ilp."
  out.name = model.name;
  out.version = v.version;
  out.job_id = v.job_id;
  out.created_at = v.created_at;
  out.evaluation = v.metrics;
  const std::string root = artifacts_->dir().root();
  const std::string suffix =
      out.algo + "/" + out.name + "/v" + std::to_string(v.version);
  out.paths.model_dir = root + "/" + v.artifact_path;
  out.paths.csv_dir = root + "/" + v.logs_path;
  out.paths.rel_model_dir = "model_storage/" + suffix;
  out.paths.rel_csv_dir = "model_outdir_csv/" + suffix;
  return out;
}

Status IlpModelRegistry::ClaimDirs(const IlpVersion& v) {
  const store::DataDir& dir = artifacts_->dir();
  const int64_t now = clock_->NowMillis();
  TY_RETURN_IF_ERROR(artifacts_->Claim(dir.Relative(v.paths.model_dir),
                                       v.owner_id, IlpModelKind(v.algo), now));
  return artifacts_->Claim(dir.Relative(v.paths.csv_dir), v.owner_id,
                           IlpModelKind(v.algo), now);
}

Result<IlpVersion> IlpModelRegistry::AddVersion(const std::string& owner_id,
                                                const std::string& algo,
                                                const std::string& name) {
  TY_ASSIGN_OR_RETURN(store::ModelRecord model,
                      FindOrCreateModel(owner_id, algo, name));
  store::ModelVersion draft;
  draft.model_id = model.id;
  draft.created_at = clock_->NowMillis();
  TY_ASSIGN_OR_RETURN(store::ModelVersion v, models_->AddVersion(draft));
  // The directories carry the owner, so two users' versions never share one.
  const std::string base =
      DirPrefix(artifacts_->dir().Relative(workspace_->base()));
  const std::string tail =
      algo + "/" + owner_id + "/" + name + "/v" + std::to_string(v.version);
  v.artifact_path = base + "model_storage/" + tail;
  v.logs_path = base + "model_outdir_csv/" + tail;
  TY_RETURN_IF_ERROR(models_->UpdateVersion(v));
  IlpVersion out = FromRecord(model, v);
  TY_RETURN_IF_ERROR(ClaimDirs(out));
  return out;
}

Status IlpModelRegistry::AttachJob(const IlpVersion& version,
                                   const std::string& job_id) {
  TY_ASSIGN_OR_RETURN(store::ModelVersion v,
                      models_->GetVersion(version.model_id, version.version));
  v.job_id = job_id;
  return models_->UpdateVersion(v);
}

Status IlpModelRegistry::RecordEvaluation(const IlpVersion& version,
                                          const std::string& summary) {
  // The evaluation's CSV logs, for API servers on other hosts, before the
  // summary that makes their FetchFiles fetch again.
  const store::DataDir& dir = artifacts_->dir();
  TY_RETURN_IF_ERROR(
      artifacts_
          ->Publish(dir.Relative(version.paths.csv_dir), clock_->NowMillis())
          .status());
  TY_ASSIGN_OR_RETURN(store::ModelVersion v,
                      models_->GetVersion(version.model_id, version.version));
  v.metrics = summary;
  return models_->UpdateVersion(v);
}

bool IlpModelRegistry::Finished(const IlpVersion& version) {
  if (version.job_id.empty()) return true;
  Result<store::JobRecord> job = jobs_->Get(version.job_id);
  return job.ok() && job->status == store::JobStatus::kCompleted;
}

Status IlpModelRegistry::FetchFiles(const IlpVersion& version) {
  const store::DataDir& dir = artifacts_->dir();
  const auto key = std::make_pair(version.model_id, version.version);
  const std::string stamp = FetchStamp(version);
  bool fetched;
  {
    std::lock_guard<std::mutex> lock(fetched_mu_);
    auto it = fetched_.find(key);
    fetched = it != fetched_.end() && it->second == stamp;
  }
  if (fetched) {
    // Unless someone removed the files here since.
    Result<bool> here = artifacts_->Exists(
        dir.Relative(version.paths.model_dir) + "/" + kActorFile);
    if (here.ok() && *here) return Status::Ok();
  }
  {
    // A stale entry stays until it is overwritten below: erasing it here
    // could erase another thread's fresh one.
    std::lock_guard<std::mutex> lock(fetched_mu_);
    ++fetches_;
  }
  // Asked before fetching: a training job publishes its files before it
  // completes, so a version finished now has them all published.
  const bool finished = Finished(version);
  // Outside the lock: two threads may both fetch a version, which Fetch
  // allows (it writes whole files, never replacing one that exists).
  for (const std::string* d :
       {&version.paths.model_dir, &version.paths.csv_dir})
    TY_RETURN_IF_ERROR(artifacts_->Fetch(dir.Relative(*d)).status());
  if (finished) {
    std::lock_guard<std::mutex> lock(fetched_mu_);
    fetched_[key] = stamp;
  }
  return Status::Ok();
}

int64_t IlpModelRegistry::fetches() const {
  std::lock_guard<std::mutex> lock(fetched_mu_);
  return fetches_;
}

Result<IlpVersion> IlpModelRegistry::Find(const std::string& owner_id,
                                          const std::string& algo,
                                          const std::string& name,
                                          std::optional<int64_t> version) {
  TY_ASSIGN_OR_RETURN(std::vector<IlpVersion> all,
                      Versions(owner_id, algo, name));
  if (!version) {
    if (all.empty())
      return NotFoundError(algo + " model '" + name + "' has no versions");
    TY_RETURN_IF_ERROR(FetchFiles(all.back()));
    return all.back();
  }
  for (IlpVersion& v : all) {
    if (v.version != *version) continue;
    TY_RETURN_IF_ERROR(FetchFiles(v));
    return std::move(v);
  }
  return NotFoundError(algo + " model '" + name + "' has no version " +
                       std::to_string(*version));
}

Result<std::vector<IlpVersion>> IlpModelRegistry::Versions(
    const std::string& owner_id, const std::string& algo,
    const std::string& name) {
  Result<store::ModelRecord> model =
      models_->FindByName(owner_id, IlpModelKind(algo), name);
  if (!model.ok()) {
    if (model.status().code() != ErrorCode::kNotFound) return model.status();
    return NotFoundError(algo + " model 'model_storage/" + algo + "/" + name +
                         "' not found");
  }
  return VersionsOf(*model);
}

Result<std::vector<IlpVersion>> IlpModelRegistry::VersionsOf(
    const store::ModelRecord& model) {
  TY_ASSIGN_OR_RETURN(std::vector<store::ModelVersion> rows,
                      models_->ListVersions(model.id));
  std::vector<IlpVersion> out;
  out.reserve(rows.size());
  for (const store::ModelVersion& v : rows) {
    if (v.artifact_path.empty()) continue;  // interrupted AddVersion
    out.push_back(FromRecord(model, v));
  }
  return out;
}

Result<std::vector<store::ModelRecord>> IlpModelRegistry::Models(
    const std::optional<std::string>& owner_id, const api::PageRequest& page) {
  std::vector<store::ModelRecord> all;
  // Both kinds in one list, newest first: the registry filters by one kind,
  // so merge the two (each at most offset + page_size long).
  for (const char* algo : {"ddpg", "ppo"}) {
    store::ModelFilter f;
    f.owner_id = owner_id;
    f.kind = IlpModelKind(algo);
    f.limit = page.offset() + page.page_size;
    f.offset = 0;
    TY_ASSIGN_OR_RETURN(std::vector<store::ModelRecord> rows, models_->List(f));
    all.insert(all.end(), rows.begin(), rows.end());
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return a.created_at > b.created_at;
  });
  const std::span<const store::ModelRecord> on_page =
      api::ItemsOnPage(all, page);
  return std::vector<store::ModelRecord>(on_page.begin(), on_page.end());
}

Result<int64_t> IlpModelRegistry::CountModels(
    const std::optional<std::string>& owner_id) {
  int64_t total = 0;
  for (const char* algo : {"ddpg", "ppo"}) {
    store::ModelFilter f;
    f.owner_id = owner_id;
    f.kind = IlpModelKind(algo);
    TY_ASSIGN_OR_RETURN(int64_t n, models_->Count(f));
    total += n;
  }
  return total;
}

Result<bool> IlpModelRegistry::AdoptLegacy(const std::string& owner_id,
                                           const std::string& algo,
                                           const std::string& name,
                                           const std::string& rel_model_dir,
                                           const std::string& rel_csv_dir,
                                           const std::string& job_id) {
  Result<store::ModelRecord> existing =
      models_->FindByName(owner_id, IlpModelKind(algo), name);
  if (existing.ok()) return false;
  if (existing.status().code() != ErrorCode::kNotFound)
    return existing.status();
  // Two users trained into one legacy directory: its files belong to the
  // newest job's owner, adopted first; the other gets nothing from it.
  TY_ASSIGN_OR_RETURN(std::optional<store::ArtifactOwner> holder,
                      artifacts_->OwnerOf(rel_model_dir));
  if (holder && holder->owner_id != owner_id) return false;
  TY_ASSIGN_OR_RETURN(store::ModelRecord model,
                      FindOrCreateModel(owner_id, algo, name));
  store::ModelVersion draft;
  draft.model_id = model.id;
  draft.created_at = clock_->NowMillis();
  draft.artifact_path = rel_model_dir;
  draft.logs_path = rel_csv_dir;
  draft.job_id = job_id;
  TY_ASSIGN_OR_RETURN(store::ModelVersion v, models_->AddVersion(draft));
  TY_RETURN_IF_ERROR(ClaimDirs(FromRecord(model, v)));
  return true;
}

}  // namespace trainyard::ilp
