// Registry rows written inside a caller's transaction: the store's product
// tables (AI Studio's models, the gym's models) keep their registry rows in
// step with their own in one transaction, so the two never disagree, not
// even after a crash. Internal to store/; products use ModelStore.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/model_store.h"

namespace trainyard::store {

class Database;

// Inserts `model`, or replaces every field but id and created_at of the
// row with its id (a retried job writes its model again). CONFLICT if
// another model of the owner and kind has the same name.
// REQUIRES: db->Lock() held.
Status PutModelRow(Database* db, const ModelRecord& model);

// Sets status, display_name, metadata and updated_at of model `id`; a model
// without a registry row is left alone (OK). REQUIRES: db->Lock() held.
Status UpdateModelRow(Database* db, const std::string& id,
                      const std::string& status,
                      const std::string& display_name,
                      const std::string& metadata, int64_t now);

// Sets status and updated_at of model `id` (OK if it has no registry row).
// REQUIRES: db->Lock() held.
Status SetModelRowStatus(Database* db, const std::string& id,
                         const std::string& status, int64_t now);

// Inserts version (model_id, version) as given, or replaces its artifact
// path, metrics, job and logs. REQUIRES: db->Lock() held; the model row
// exists.
Status PutVersionRow(Database* db, const ModelVersion& version);

// Deletes model `id` and its versions (OK if absent).
// REQUIRES: db->Lock() held.
Status DeleteModelRow(Database* db, const std::string& id);

}  // namespace trainyard::store
