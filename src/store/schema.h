// The versioned SQLite schema. Migration N (1-based) is applied once, in a
// transaction, when a database at version N-1 is opened. Never edit a
// migration that has shipped; append a new one.
#pragma once

#include <string>
#include <vector>

namespace trainyard::store {

const std::vector<std::string>& SchemaMigrations();

}  // namespace trainyard::store
