// Persistent webhooks: endpoints, the outbox of deliveries and their attempt
// log. The tables are the store's (store/tables/webhook_store.h, reached as
// MetadataStore::webhooks()); notify/ keeps its names for them.
#pragma once

#include "store/tables/webhook_store.h"

namespace trainyard::notify {

using store::webhooks::Delivery;
using store::webhooks::DeliveryAttempt;
using store::webhooks::kDelivered;
using store::webhooks::kFailed;
using store::webhooks::kPending;
using store::webhooks::WebhookEndpoint;
using store::webhooks::WebhookStore;

}  // namespace trainyard::notify
