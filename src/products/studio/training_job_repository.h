// AI Studio training jobs' billing rows (table studio_training_jobs) live in
// the store (store/tables/studio_training_jobs.h, reached as
// ProductDeps::store->studio()); the studio keeps its names for them.
#pragma once

#include "store/tables/studio_training_jobs.h"

namespace trainyard::studio {

using store::studio::TrainingJobQuery;
using store::studio::TrainingJobRepository;
using store::studio::TrainingJobRow;

}  // namespace trainyard::studio
