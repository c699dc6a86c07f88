#include "app/products.h"

#ifdef TRAINYARD_HAS_ILP
#include "products/ilp/module.h"
#endif
#ifdef TRAINYARD_HAS_STUDIO
#include "products/studio/module.h"
#endif
#ifdef TRAINYARD_HAS_GYM
#include "products/gym/module.h"
#endif

namespace trainyard::app {

products::ProductDeps MakeProductDeps(Runtime* runtime) {
  products::ProductDeps deps;
  deps.config = &runtime->config;
  deps.data_dir = runtime->data_dir.get();
  deps.store = runtime->store.get();
  deps.artifacts = runtime->artifacts.get();
  deps.file_system = &runtime->file_system;
  deps.clock = SystemClock::Default();
  return deps;
}

Status RegisterProductJobs(Runtime* runtime) {
  [[maybe_unused]] products::ProductDeps deps = MakeProductDeps(runtime);
  [[maybe_unused]] jobs::JobHandlerRegistry* registry = &runtime->handlers;
#ifdef TRAINYARD_HAS_ILP
  TY_RETURN_IF_ERROR(ilp::RegisterJobs(deps, registry));
#endif
#ifdef TRAINYARD_HAS_STUDIO
  TY_RETURN_IF_ERROR(studio::RegisterJobs(deps, registry));
#endif
#ifdef TRAINYARD_HAS_GYM
  TY_RETURN_IF_ERROR(gym::RegisterJobs(deps, registry));
#endif
  return Status::Ok();
}

Status AddProductRoutes([[maybe_unused]] Runtime* runtime,
                        [[maybe_unused]] jobs::JobService* jobs,
                        [[maybe_unused]] api::Router* router,
                        products::HealthChecks* health) {
  [[maybe_unused]] products::ProductDeps deps = MakeProductDeps(runtime);
  deps.health = health;
#ifdef TRAINYARD_HAS_ILP
  TY_RETURN_IF_ERROR(ilp::AddRoutes(deps, jobs, router));
#endif
#ifdef TRAINYARD_HAS_STUDIO
  TY_RETURN_IF_ERROR(studio::AddRoutes(deps, jobs, router));
#endif
#ifdef TRAINYARD_HAS_GYM
  TY_RETURN_IF_ERROR(gym::AddRoutes(deps, jobs, router));
#endif
  return Status::Ok();
}

std::vector<std::string> ProductNames() {
  std::vector<std::string> names;
#ifdef TRAINYARD_HAS_ILP
  names.push_back("ilp");
#endif
#ifdef TRAINYARD_HAS_STUDIO
  names.push_back("studio");
#endif
#ifdef TRAINYARD_HAS_GYM
  names.push_back("gym");
#endif
  return names;
}

}  // namespace trainyard::app
