// Marketplace listings and subscriptions (tables studio_listings and
// studio_subscriptions) live in the store (store/tables/studio_marketplace.h,
// reached as ProductDeps::store->studio()); the studio keeps its names.
#pragma once

#include "store/tables/studio_marketplace.h"

namespace trainyard::studio {

using store::studio::kApproved;
using store::studio::kPendingReview;
using store::studio::kRejected;
using store::studio::kRenewalInProgress;
using store::studio::kRenewalInsufficientCredits;
using store::studio::kRenewalListingUnavailable;
using store::studio::kRenewalPending;
using store::studio::kRenewed;
using store::studio::kSettled;
using store::studio::kSettlementCharged;
using store::studio::kSettlementPaid;
using store::studio::Listing;
using store::studio::ListingQuery;
using store::studio::MarketplaceRepository;
using store::studio::Subscription;

}  // namespace trainyard::studio
