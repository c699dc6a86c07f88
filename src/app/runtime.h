// The composition root's shared part: everything a Trainyard process needs
// whether it serves HTTP, only runs workers, or is a CLI command acting on
// the data directory: config, data dir, metadata store, artifact store and
// the job handlers of every product.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "core/status.h"
#include "jobs/job_context.h"
#include "products/product_module.h"
#include "store/artifact_store.h"
#include "store/data_dir.h"
#include "store/file_system.h"
#include "store/metadata_store.h"

namespace trainyard::app {

// Owns the process-wide objects. Not copyable; members are thread-safe.
struct Runtime {
  Config config;
  std::unique_ptr<store::DataDir> data_dir;
  std::unique_ptr<store::MetadataStore> store;
  store::PosixFileSystem file_system;
  std::unique_ptr<store::ArtifactStore> artifacts;
  jobs::JobHandlerRegistry handlers;
  // This build's products, opened (app/products.h). Declared last: they
  // hold pointers to everything above and are destroyed first.
  std::vector<std::unique_ptr<products::ProductModule>> products;
};

// Validates `config`, creates the data directory layout (model_storage,
// model_outdir_csv, runs, datasets, plots, jobs), opens and migrates the
// database (checking it as `check` says: kFull for serve and worker, which
// run for long, kQuick for CLI commands) — PostgreSQL instead when
// TRAINYARD_DATABASE_URL names one —, opens every product and registers the
// job handlers.
// Errors: VALIDATION_ERROR for a bad config, IO/CORRUPTION for the data
// directory or database (a damaged one is refused with a restore hint).
Result<std::unique_ptr<Runtime>> OpenRuntime(
    const Config& config, store::OpenCheck check = store::OpenCheck::kQuick);

// Overlays the process environment onto `config`: the TRAINYARD_* platform
// variables and every product's settings (ProductModule::SettingNames). The
// only place the program reads its environment; everything below app/ gets
// its settings from the Config. Errors: LoadConfigFromEnvironment's.
Status LoadConfigFromProcessEnvironment(Config* config);

// Where jobs keep their checkpoints: <home>/jobs.
std::string CheckpointRoot(const Runtime& runtime);
// Where jobs' TensorBoard event files go: <home>/runs (runs/<job id>/).
std::string RunsRoot(const Runtime& runtime);

}  // namespace trainyard::app
