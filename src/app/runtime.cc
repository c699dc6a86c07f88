#include "app/runtime.h"

#include <cstdlib>

#include "app/products.h"
#include "app/test_jobs.h"

namespace trainyard::app {

namespace {
constexpr const char* kDataSubdirs[] = {
    "model_storage", "model_outdir_csv", "runs", "datasets", "plots", "jobs"};
}  // namespace

Result<std::unique_ptr<Runtime>> OpenRuntime(const Config& config,
                                             store::OpenCheck check) {
  TY_RETURN_IF_ERROR(config.Validate());
  auto rt = std::make_unique<Runtime>();
  rt->config = config;
  TY_ASSIGN_OR_RETURN(store::DataDir dir, store::DataDir::Open(config.home));
  rt->data_dir = std::make_unique<store::DataDir>(std::move(dir));
  for (const char* sub : kDataSubdirs) {
    TY_RETURN_IF_ERROR(
        rt->file_system.CreateDirectories(rt->data_dir->root() + "/" + sub));
  }
  store::StoreConfig store_config;
  store_config.sqlite_path = rt->data_dir->database_path();
  store_config.check = check;
  store_config.database_url = config.database_url;
  TY_ASSIGN_OR_RETURN(rt->store, store::OpenStore(store_config));
  // With PostgreSQL, processes on other hosts have data directories of their
  // own: files are published to the database and fetched from it.
  rt->artifacts = std::make_unique<store::ArtifactStore>(
      rt->data_dir.get(), &rt->file_system, rt->store->artifact_owners(),
      config.database_url.empty() ? nullptr : rt->store->artifact_blobs());
  if (config.enable_test_jobs)
    TY_RETURN_IF_ERROR(RegisterTestJobs(&rt->handlers));
  TY_RETURN_IF_ERROR(OpenProducts(rt.get()));
  return rt;
}

Status LoadConfigFromProcessEnvironment(Config* config) {
  return LoadConfigFromEnvironment(
      [](const char* name) { return std::getenv(name); }, config,
      ProductSettingNames());
}

std::string CheckpointRoot(const Runtime& runtime) {
  return runtime.data_dir->root() + "/jobs";
}

std::string RunsRoot(const Runtime& runtime) {
  return runtime.data_dir->root() + "/runs";
}

}  // namespace trainyard::app
