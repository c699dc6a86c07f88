// ILP models per owner, with numbered versions, on the platform's model
// registry (store::ModelStore, kind "ilp.<algo>") and artifact store: two
// users may both have "ppo_prod1", and retraining a name adds a version in
// fresh directories instead of replacing the model. Every version's model
// and log directories are claimed for its owner, so downloads are checked
// by the artifact store's one access check.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/pagination.h"
#include "core/clock.h"
#include "core/status.h"
#include "products/ilp/workspace.h"
#include "store/artifact_store.h"
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

// Thread-safe (the stores are). Does not own its arguments.
class IlpModelRegistry {
 public:
  IlpModelRegistry(store::ModelStore* models, store::ArtifactStore* artifacts,
                   const Workspace* workspace, const Clock* clock)
      : models_(models),
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
  // Stores `summary` (JSON) as the version's last evaluation and publishes
  // its CSV logs for other hosts (ArtifactStore::Publish).
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
  Status FetchFiles(const IlpVersion& version);

 private:
  Result<store::ModelRecord> FindOrCreateModel(const std::string& owner_id,
                                               const std::string& algo,
                                               const std::string& name);
  IlpVersion FromRecord(const store::ModelRecord& model,
                        const store::ModelVersion& version) const;
  Status ClaimDirs(const IlpVersion& version);

  store::ModelStore* models_;
  store::ArtifactStore* artifacts_;
  const Workspace* workspace_;
  const Clock* clock_;
};

}  // namespace trainyard::ilp
