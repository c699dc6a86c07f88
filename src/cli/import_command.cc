// `trainyard import ohlcv --symbol S --csv file.csv`: validates a daily OHLCV
// CSV and stores it as an AI Studio symbol in the data directory (the same
// path as POST /api/ai-studio/market-data/{symbol}/).
#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "cli/config_flags.h"
#include "core/clock.h"
#include "ml/file_io.h"
#include "products/studio/market_data.h"

namespace trainyard::cli {

namespace {

struct ImportArgs {
  ConfigFlags flags;
  std::string symbol;
  std::string csv;
};

int ImportOhlcv(const ImportArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  store::Database* db = (*rt)->store->sqlite();
  if (db == nullptr) {
    return ReportError(InternalError("import needs the SQLite store"));
  }
  auto text = ml::ReadFile(a.csv, "CSV file");
  if (!text.ok()) return ReportError(text.status());
  studio::MarketData market(db, (*rt)->data_dir.get(), SystemClock::Default());
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
}

}  // namespace trainyard::cli
