// The gym's tables (saved load groups, trained models and their deployment)
// live in the store (store/tables/gym_store.h, reached as
// ProductDeps::store->gym()); the gym keeps its names for them.
#pragma once

#include "store/tables/gym_store.h"

namespace trainyard::gym {

using store::gym::GroupRow;
using store::gym::GymStore;
using store::gym::ModelQuery;
using store::gym::ModelRow;

}  // namespace trainyard::gym
