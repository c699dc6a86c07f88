// AI Studio (studio-api.md, /api/ai-studio/): trading models on OHLCV
// features trained with XGBoost as billed jobs, predictions with SHAP,
// importance plots, a marketplace, analytics, compute credits and webhooks.
#pragma once

#include <memory>

#include "products/product_module.h"

namespace trainyard::studio {

// The AI Studio module: migrates the studio and notify tables (Open), the
// "studio.train" job type, every /api/ai-studio/ route, and two background
// services started by Start: the webhook deliverer and the subscription
// renewal sweep. One StudioContext serves the job handler and the routes.
// See products::ProductModule for the life cycle.
std::unique_ptr<products::ProductModule> NewModule();

}  // namespace trainyard::studio
