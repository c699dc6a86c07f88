// Counts every global allocation of a test binary, for the EnvPool rule that
// Step allocates nothing. Link allocation_counter_for_test.cc into exactly
// one test binary per no-allocation test: it replaces the global operator
// new/delete of the whole process.
#pragma once

namespace trainyard::env {

// Number of calls to global operator new (scalar and array) so far.
// Thread-safe.
long AllocationCountForTest();

}  // namespace trainyard::env
