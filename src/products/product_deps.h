// What a product module (src/products/<product>/) receives from the
// composition root: the process-wide stores and settings. A product builds
// its job handlers and HTTP routes from these and nothing global.
#pragma once

#include "core/clock.h"
#include "core/config.h"
#include "store/artifact_store.h"
#include "store/data_dir.h"
#include "store/file_system.h"
#include "store/metadata_store.h"

namespace trainyard::products {

// Non-owning pointers; all outlive every handler and route of the product.
// Every pointee is thread-safe.
struct ProductDeps {
  const Config* config = nullptr;
  store::DataDir* data_dir = nullptr;
  store::MetadataStore* store = nullptr;
  store::ArtifactStore* artifacts = nullptr;
  store::FileSystem* file_system = nullptr;
  const Clock* clock = nullptr;
};

}  // namespace trainyard::products
