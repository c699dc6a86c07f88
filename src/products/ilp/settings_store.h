// The ILP product's persistent settings (initialize-script's base_path) live
// in the store (store/tables/ilp_settings_store.h, reached as
// ProductDeps::store->ilp_settings()); ILP keeps its names for them.
#pragma once

#include "store/tables/ilp_settings_store.h"

namespace trainyard::ilp {

using store::ilp::kBasePathSetting;
using store::ilp::SettingsStore;

}  // namespace trainyard::ilp
