// The edge-scaling gym product (spec/gym-api.md): RL agents that scale
// service replicas across edge nodes, trained on EdgeScaling-v0, reconciled
// against new load, deployed locally and monitored. docs/gym.md is the user
// guide.
#pragma once

#include <memory>

#include "products/product_module.h"

namespace trainyard::gym {

// The gym module: migrates the gym's tables (Open), the "gym.train" job
// type, the routes under /api/v1 (training, models, metrics), the
// "kubernetes" and "wandb" health components, and its settings (KUBECONFIG,
// TRAINYARD_KUBE_*, TRAINYARD_KUBECTL, WANDB_API_KEY). The routes own a local deployment manager
// and a host sampler thread that live as long as the router. See
// products::ProductModule for the life cycle.
std::unique_ptr<products::ProductModule> NewModule();

}  // namespace trainyard::gym
