// The AI Studio tables (models, training jobs, credit ledger, marketplace
// listings and subscriptions, imported datasets), applied with
// Database::MigrateComponent("studio", ...). Never edit a shipped migration:
// append a new one.
#pragma once

#include <string>
#include <vector>

namespace trainyard::studio {

// The migrations of component "studio", oldest first.
const std::vector<std::string>& StudioMigrations();

}  // namespace trainyard::studio
