// ILP models per owner, with numbered versions, on the platform's model
// registry (store::ModelStore, kind "ilp.<algo>") and artifact store: two
// users may both have "ppo_prod1", and retraining a name adds a version in
// fresh directories instead of replacing the model. Every version's model
// and log directories are claimed for its owner, so downloads are checked
// by the artifact store's one access check. A finished version's files are
// fetched from the published copies once per process, not on every lookup.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/pagination.h"
#include "core/clock.h"
#include "core/status.h"
#include "products/ilp/workspace.h"
#include "store/artifact_store.h"
#include "store/job_store.h"
#include "store/model_store.h"

namespace trainyard::ilp {

// One version of one user's model.
struct IlpVersion {
  std::string model_id;  // the registry's id
  std::string owner_id;
  std::string algo;  // "ddpg" or "ppo"
  std::string name;
  int64_t version = 0;
  std::string job_id;  // the training job; empty for adopted legacy models
  int64_t created_at = 0;
  std::string evaluation = "{}";  // the last evaluation's summary (JSON)
  // model_dir/csv_dir are absolute; rel_model_dir/rel_csv_dir are what the
  // owner sees and sends back: model_storage/<algo>/<name>/v<N>.
  ModelPaths paths;
};

// "ilp.ppo" / "ilp.ddpg".
std::string IlpModelKind(const std::string& algo);

// Thread-safe (the stores are). Does not own its arguments. `jobs` tells
// whether a version's training job has completed.
class IlpModelRegistry {
 public:
  IlpModelRegistry(store::ModelStore* models, store::JobStore* jobs,
                   store::ArtifactStore* artifacts, const Workspace* workspace,
                   const Clock* clock)
      : models_(models),
        jobs_(jobs),
        artifacts_(artifacts),
        workspace_(workspace),
        clock_(clock) {}

  // Adds version latest + 1 of `owner_id`'s model `name` (creating the
  // model on first use) in new directories under the workspace base,
  // claimed for the owner: model_storage/<algo>/<owner>/<name>/v<N> and
  // model_outdir_csv/<algo>/<owner>/<name>/v<N>. Errors from the stores.
  Result<IlpVersion> AddVersion(const std::string& owner_id,
                                const std::string& algo,
                                const std::string& name);
  // Records the job that trains `version`.
  Status AttachJob(const IlpVersion& version, const std::string& job_id);
  // Publishes the version's CSV logs for other hosts
  // (ArtifactStore::Publish) and then stores `summary` (JSON) as its last
  // evaluation: a host that sees the new summary finds the logs published.
  Status RecordEvaluation(const IlpVersion& version,
                          const std::string& summary);

  // Version `version` of the owner's model, or its newest when nullopt, its
  // files fetched here if another host trained it (ArtifactStore::Fetch).
  // NOT_FOUND (naming the model as the caller wrote it) if the owner has no
  // such model or version — including when another user has one.
  Result<IlpVersion> Find(const std::string& owner_id, const std::string& algo,
                          const std::string& name,
                          std::optional<int64_t> version);
  // All versions of the owner's model, oldest first. NOT_FOUND as Find.
  Result<std::vector<IlpVersion>> Versions(const std::string& owner_id,
                                           const std::string& algo,
                                           const std::string& name);
  // One page of the ILP models of `owner_id` (every owner's when nullopt),
  // newest first; CountModels counts them all.
  Result<std::vector<store::ModelRecord>> Models(
      const std::optional<std::string>& owner_id, const api::PageRequest& page);
  Result<int64_t> CountModels(const std::optional<std::string>& owner_id);
  // All versions of one registry record, oldest first.
  Result<std::vector<IlpVersion>> VersionsOf(const store::ModelRecord& model);

  // Registers a model trained before models had owners (a directory pair
  // model_storage/<algo>/<name>, model_outdir_csv/<algo>/<name> relative to
  // the data directory) as version 1 of `owner_id`'s model `name`, unless the
  // owner already has a model of that name. Returns whether it was added.
  Result<bool> AdoptLegacy(const std::string& owner_id, const std::string& algo,
                           const std::string& name,
                           const std::string& rel_model_dir,
                           const std::string& rel_csv_dir,
                           const std::string& job_id);

  // Writes the version's published files that are missing here (another
  // host trained it), so they can be opened by path. Find does it itself;
  // call it for a version picked from Versions. Errors: ArtifactStore::Fetch.
  // Once per process for a finished version (one without a training job,
  // adopted from before jobs, or whose job completed) as long as its row
  // (job, evaluation, directories) is the one fetched for and its policy
  // file is still here; a version in training is fetched on every call
  // (its files are published when the job ends). A deleted model is never
  // looked up again, so its entry is never used again.
  Status FetchFiles(const IlpVersion& version);
  // How many times FetchFiles went to the artifact store; for tests.
  int64_t fetches() const;

 private:
  Result<store::ModelRecord> FindOrCreateModel(const std::string& owner_id,
                                               const std::string& algo,
                                               const std::string& name);
  IlpVersion FromRecord(const store::ModelRecord& model,
                        const store::ModelVersion& version) const;
  Status ClaimDirs(const IlpVersion& version);
  // Whether the version's files can no longer change: it has no training
  // job (adopted from before jobs) or its job completed. False when unknown.
  bool Finished(const IlpVersion& version);

  store::ModelStore* models_;
  store::JobStore* jobs_;
  store::ArtifactStore* artifacts_;
  const Workspace* workspace_;
  const Clock* clock_;

  mutable std::mutex fetched_mu_;
  // (model id, version) of the finished versions whose files this process
  // fetched -> what their row said then (FetchStamp in the .cc).
  std::map<std::pair<std::string, int64_t>, std::string> fetched_;
  int64_t fetches_ = 0;
};

}  // namespace trainyard::ilp
