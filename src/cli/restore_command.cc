// `trainyard restore --from FILE --data-dir DIR`: unpacks a backup made by
// `trainyard backup` into a new data directory and checks its database.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_flags.h"
#include "cli/progress.h"
#include "store/backup.h"

namespace trainyard::cli {

namespace {

struct RestoreArgs {
  std::string from;
  std::string data_dir;
};

int Restore(const RestoreArgs& a) {
  ProgressPrinter printer;
  auto stats = store::RestoreDataDir(
      a.from, a.data_dir, [&](const std::string&, int64_t done, int64_t total) {
        printer.Update("archive", done, total, true);
      });
  printer.Finish();
  if (!stats.ok()) return ReportError(stats.status());
  std::cout << "restored " << stats->files << " files (" << stats->bytes
            << " bytes) into " << a.data_dir
            << "; database integrity_check: ok\n"
            << "serve it with: trainyard serve --home " << a.data_dir << "\n";
  return 0;
}

}  // namespace

void RegisterRestoreCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<RestoreArgs>();
  auto* cmd = app.add_subcommand(
      "restore",
      "Unpack a `trainyard backup` archive into a new, empty data directory "
      "and check its database");
  cmd->add_option("--from", args->from, "Archive made by `trainyard backup`")
      ->required();
  cmd->add_option("--data-dir", args->data_dir,
                  "Data directory to create (must not exist or be empty)")
      ->required();
  cmd->callback([args, exit_code] { *exit_code = Restore(*args); });
}

}  // namespace trainyard::cli
