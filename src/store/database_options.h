// Small types shared by the database (store/database.h) and the metadata
// store's callers, kept apart so that callers need not include the database.
#pragma once

#include <cstdint>
#include <functional>

namespace trainyard::store {

// Called during long operations with how much of the work is done.
using ProgressFn = std::function<void(int64_t done, int64_t total)>;

// How thoroughly Database::Open checks the file before using it.
enum class OpenCheck {
  // PRAGMA quick_check: every page and b-tree is well-formed. O(size); for
  // short-lived commands (the CLI).
  kQuick,
  // PRAGMA integrity_check: also that every index matches its table (the
  // damage lost locks leave, "wrong # of entries in index ...", passes
  // quick_check). Several times slower; for processes that then run for
  // long (serve, worker).
  kFull,
};

}  // namespace trainyard::store
