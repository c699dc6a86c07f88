// The AI Studio route groups, one file each; module.cc adds them all.
#pragma once

#include <memory>

#include "api/router.h"
#include "products/studio/studio_context.h"

namespace trainyard::studio {

Status AddModelRoutes(const std::shared_ptr<StudioContext>& ctx,
                      api::Router* router);
Status AddTrainingRoutes(const std::shared_ptr<StudioContext>& ctx,
                         api::Router* router);
Status AddPredictionRoutes(const std::shared_ptr<StudioContext>& ctx,
                           api::Router* router);
Status AddMarketplaceRoutes(const std::shared_ptr<StudioContext>& ctx,
                            api::Router* router);
Status AddSubscriptionRoutes(const std::shared_ptr<StudioContext>& ctx,
                             api::Router* router);
Status AddAnalyticsRoutes(const std::shared_ptr<StudioContext>& ctx,
                          api::Router* router);
Status AddComputeRoutes(const std::shared_ptr<StudioContext>& ctx,
                        api::Router* router);
Status AddWebhookRoutes(const std::shared_ptr<StudioContext>& ctx,
                        api::Router* router);
Status AddMarketDataRoutes(const std::shared_ptr<StudioContext>& ctx,
                           api::Router* router);

}  // namespace trainyard::studio
