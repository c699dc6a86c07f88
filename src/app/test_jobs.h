// Diagnostic job types, registered only with TRAINYARD_ENABLE_TEST_JOBS=1
// (or `serve --enable-test-jobs`): the integration tests use them to check
// queueing, progress, cancel, lease expiry and crash recovery end to end.
#pragma once

#include "core/status.h"
#include "jobs/job_context.h"

namespace trainyard::app {

// "test.count": counts to params.units (default 20), sleeping
// params.sleep_ms (default 50) per unit, reporting progress each unit and
// keeping the count in a checkpoint file, so a resumed attempt continues
// where the previous one stopped. Its result is {"counted": N,
// "resumed_from": K} and its log lists each attempt's start.
// "test.fail": fails at once with params.message.
Status RegisterTestJobs(jobs::JobHandlerRegistry* registry);

}  // namespace trainyard::app
