// AI Studio models (table studio_models) live in the store
// (store/tables/studio_models.h, reached as ProductDeps::store->studio());
// the studio keeps its names for them.
#pragma once

#include "store/tables/studio_models.h"

namespace trainyard::studio {

using store::studio::kArchived;
using store::studio::kCompleted;
using store::studio::kDraft;
using store::studio::kFailed;
using store::studio::kPublished;
using store::studio::kTraining;
using store::studio::ModelQuery;
using store::studio::ModelRepository;
using store::studio::ModelStatuses;
using store::studio::StudioModel;

}  // namespace trainyard::studio
