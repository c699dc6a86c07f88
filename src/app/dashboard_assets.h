// The dashboard's built files (web/dist/), compiled into the binary by
// cmake/EmbedFiles.cmake. Internal to app/: served by dashboard.cc.
#pragma once

#include <cstddef>

namespace trainyard::app {

struct DashboardAsset {
  const char* name;  // file name in web/dist, e.g. "app.js"
  const char* data;
  size_t size;
};

extern const DashboardAsset kDashboardAssets[];
extern const size_t kDashboardAssetCount;

}  // namespace trainyard::app
