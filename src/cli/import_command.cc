// `trainyard import ohlcv --symbol S --csv file.csv`: validates a daily OHLCV
// CSV and stores it as an AI Studio symbol in the data directory (the same
// path as POST /api/ai-studio/market-data/{symbol}/).
// `trainyard import pool-data --pool ID --csv file.csv`: a pool's price
// history for ILP predict-action/inference (as POST /api/v1/pool-data/import/).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/config_flags.h"
#include "core/clock.h"
#include "ml/file_io.h"
#ifdef TRAINYARD_HAS_ILP_IMPORT
#include "products/ilp/pool_data.h"
#endif
#include "products/studio/market_data.h"
#include "store/tables/studio_tables.h"

namespace trainyard::cli {

namespace {

struct ImportArgs {
  ConfigFlags flags;
  std::string symbol;
  std::string pool;
  std::string csv;
};

int ImportOhlcv(const ImportArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  auto text = ml::ReadFile(a.csv, "CSV file");
  if (!text.ok()) return ReportError(text.status());
  studio::MarketData market((*rt)->store->studio()->datasets(),
                            (*rt)->artifacts.get(), SystemClock::Default());
  // The CLI acts as the operator: it may replace any symbol.
  auto info = market.Import("cli", /*is_admin=*/true, a.symbol, *text);
  if (!info.ok()) return ReportError(info.status());
  std::cout << "imported " << info->rows << " daily bars of " << info->symbol
            << " (" << info->first_date << " .. " << info->last_date
            << (info->has_volume ? "" : ", no volume column") << ") into "
            << (*rt)->data_dir->root() << "/datasets/" << info->symbol
            << ".csv\n";
  return 0;
}

#ifdef TRAINYARD_HAS_ILP_IMPORT
int ImportPoolData(const ImportArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  auto text = ml::ReadFile(a.csv, "CSV file");
  if (!text.ok()) return ReportError(text.status());
  auto info = ilp::ImportPoolData(*(*rt)->artifacts, a.pool, *text,
                                  SystemClock::Default()->NowMillis());
  if (!info.ok()) return ReportError(info.status());
  std::cout << "imported " << info->rows << " prices of pool " << info->pool
            << " (timestamps " << info->first_timestamp << " .. "
            << info->last_timestamp << ") into " << (*rt)->data_dir->root()
            << "/" << info->path << "\n";
  return 0;
}
#endif

}  // namespace

void RegisterImportCommand(CLI::App& app, int* exit_code) {
  CLI::App* cmd = app.add_subcommand("import", "Import market data");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ImportArgs>();
  CLI::App* ohlcv = cmd->add_subcommand(
      "ohlcv",
      "Import daily OHLCV bars from a CSV (date,open,high,low,close"
      "[,volume]) as an AI Studio symbol");
  args->flags.AddTo(ohlcv, /*server=*/false);
  ohlcv->add_option("--symbol", args->symbol, "Symbol name, e.g. NIFTY50")
      ->required();
  ohlcv->add_option("--csv", args->csv, "Path of the CSV file")->required();
  ohlcv->callback([args, exit_code] { *exit_code = ImportOhlcv(*args); });
#ifdef TRAINYARD_HAS_ILP_IMPORT
  CLI::App* pool = cmd->add_subcommand(
      "pool-data",
      "Import a pool's price history (timestamp,price[,volume]) for ILP "
      "predict-action and inference");
  args->flags.AddTo(pool, /*server=*/false);
  pool->add_option("--pool", args->pool, "Pool id (address or preset name)")
      ->required();
  pool->add_option("--csv", args->csv, "Path of the CSV file")->required();
  pool->callback([args, exit_code] { *exit_code = ImportPoolData(*args); });
#endif
}

}  // namespace trainyard::cli
