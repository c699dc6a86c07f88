// The one shape every product (ILP, AI Studio, the edge-scaling gym) has
// for the composition root: a name, the settings it reads, its tables and
// job handlers, its HTTP routes and its background services. app/ holds one
// registered list of modules (src/app/product_list.cc.in) and drives each
// through the same life cycle; a product reaches the layers below only
// through the ProductDeps it is given.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "products/product_deps.h"

namespace trainyard::api {
class Router;
}  // namespace trainyard::api

namespace trainyard::jobs {
class JobHandlerRegistry;
}  // namespace trainyard::jobs

namespace trainyard::products {

// Life cycle, in this order, each step at most once:
//   Open         every process (server, worker, CLI command)
//   RegisterJobs every process, after Open
//   AddRoutes    HTTP servers only
//   Start/Stop   HTTP servers only: background services; Stop is idempotent
//                and also run by the destructor.
// Not thread-safe itself (the composition root calls it from one thread);
// the handlers and routes it installs are thread-safe.
class ProductModule {
 public:
  virtual ~ProductModule() = default;

  // "ilp", "studio" or "gym": stable, lower case, unique in a build.
  virtual const char* name() const = 0;

  // Environment variable names of the product's own settings. The
  // composition root copies them into Config::product_settings, which is
  // the only place the product reads them from.
  virtual std::vector<std::string> SettingNames() const { return {}; }

  // Builds the product's state from `deps` (migrates its tables, opens its
  // repositories). `deps`' pointees outlive the module; deps.jobs and
  // deps.health are null here. Errors: the migration's or the store's.
  virtual Status Open(const ProductDeps& deps) = 0;

  // Registers the product's job types. REQUIRES: Open succeeded. CONFLICT
  // if a type is registered already.
  virtual Status RegisterJobs(jobs::JobHandlerRegistry* registry) = 0;

  // Adds the product's HTTP routes. `deps` are Open's with deps.jobs and
  // deps.health set; `router` and the pointees outlive the module's routes.
  // REQUIRES: RegisterJobs succeeded. CONFLICT on a route clash.
  virtual Status AddRoutes(const ProductDeps& deps, api::Router* router) = 0;

  // Starts the product's background services (webhook delivery, renewal
  // sweeps, ...). REQUIRES: AddRoutes succeeded; not started.
  virtual Status Start() { return Status::Ok(); }

  // Stops and joins the background services. Idempotent; a module that was
  // never started stops at once.
  virtual void Stop() {}
};

}  // namespace trainyard::products
