// The columns of train_logs.csv and eval_logs.csv: one LpStepRecord of
// UniswapV3LP-v0 as named numbers (docs/ilp.md lists them).
#pragma once

#include <string>

#include "env/uniswap_v3_lp/uniswap_v3_lp.h"
#include "tracking/csv_logger.h"

namespace trainyard::ilp {

// Appends the record's columns, each name prefixed by `prefix` ("" for
// training logs, "agent_" / "<baseline>_" for evaluation logs). Pool-state
// columns are appended only when `with_pool_state`.
void AppendStepColumns(const env::LpStepRecord& record,
                       const std::string& prefix, bool with_pool_state,
                       tracking::CsvLogger::Row* row);

}  // namespace trainyard::ilp
