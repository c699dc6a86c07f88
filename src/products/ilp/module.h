// The liquidity-provisioning (ILP) product: the /api/v1 surface of
// spec/ilp-api.md (initialize-script, file/download, ddpg/* and ppo/*
// train, train-result and evaluate, inference, predict-action) and its
// training jobs. See docs/ilp.md.
#pragma once

#include <memory>

#include "products/product_module.h"

namespace trainyard::ilp {

// The ILP module: job types "ilp.ddpg.train" and "ilp.ppo.train"; every ILP
// route (GET /api/v1/ itself belongs to the system routes); no background
// services. See products::ProductModule for the life cycle.
std::unique_ptr<products::ProductModule> NewModule();

}  // namespace trainyard::ilp
