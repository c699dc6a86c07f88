#include "app/products.h"

#include "app/product_list.h"

namespace trainyard::app {

std::vector<std::unique_ptr<products::ProductModule>> NewProductModules() {
  std::vector<std::unique_ptr<products::ProductModule>> modules;
  for (const ProductFactory& make : ProductList()) modules.push_back(make());
  return modules;
}

std::vector<std::string> ProductNames() {
  std::vector<std::string> names;
  for (const auto& module : NewProductModules()) {
    names.push_back(module->name());
  }
  return names;
}

std::vector<std::string> ProductSettingNames() {
  std::vector<std::string> names;
  for (const auto& module : NewProductModules()) {
    for (std::string& name : module->SettingNames()) {
      names.push_back(std::move(name));
    }
  }
  return names;
}

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

Status OpenProducts(Runtime* runtime) {
  const products::ProductDeps deps = MakeProductDeps(runtime);
  runtime->products = NewProductModules();
  for (const auto& module : runtime->products) {
    Status s = module->Open(deps);
    if (s.ok()) s = module->RegisterJobs(&runtime->handlers);
    if (!s.ok()) {
      runtime->products.clear();
      return s;
    }
  }
  return Status::Ok();
}

Status AddProductRoutes(Runtime* runtime, jobs::JobService* jobs,
                        api::Router* router, products::HealthChecks* health) {
  products::ProductDeps deps = MakeProductDeps(runtime);
  deps.jobs = jobs;
  deps.health = health;
  for (const auto& module : runtime->products) {
    TY_RETURN_IF_ERROR(module->AddRoutes(deps, router));
  }
  return Status::Ok();
}

Status StartProducts(Runtime* runtime) {
  for (size_t i = 0; i < runtime->products.size(); ++i) {
    Status s = runtime->products[i]->Start();
    if (!s.ok()) {
      while (i-- > 0) runtime->products[i]->Stop();
      return s;
    }
  }
  return Status::Ok();
}

void StopProducts(Runtime* runtime) {
  for (auto it = runtime->products.rbegin(); it != runtime->products.rend();
       ++it) {
    (*it)->Stop();
  }
}

}  // namespace trainyard::app
