// `trainyard backup --out FILE`: a consistent copy of a live data directory
// (store/backup.h) in one tar archive; servers and workers keep running.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/config_flags.h"
#include "cli/progress.h"
#include "store/backup.h"

namespace trainyard::cli {

namespace {

struct BackupArgs {
  ConfigFlags flags;
  std::string out;
};

int Backup(const BackupArgs& a) {
  auto rt = OpenDataDirectory(a.flags);
  if (!rt.ok()) return ReportError(rt.status());
  ProgressPrinter printer;
  auto stats = store::BackupDataDir(
      *(*rt)->data_dir, (*rt)->store.get(), a.out,
      [&](const std::string& phase, int64_t done, int64_t total) {
        printer.Update(phase == "database" ? "database pages" : "files", done,
                       total, phase != "database");
      });
  printer.Finish();
  if (!stats.ok()) return ReportError(stats.status());
  std::cout << "backed up " << (*rt)->data_dir->root() << " to " << a.out
            << ": the database and " << stats->files - 1 << " files ("
            << stats->bytes << " bytes)";
  if (stats->skipped > 0)
    std::cout << "; skipped " << stats->skipped << " symlinks or special files";
  std::cout << "\nrestore with: trainyard restore --from " << a.out
            << " --data-dir NEW_DIR\n";
  return 0;
}

}  // namespace

void RegisterBackupCommand(CLI::App& app, int* exit_code) {
  auto args = std::make_shared<BackupArgs>();
  auto* cmd = app.add_subcommand(
      "backup",
      "Copy a data directory, live, into one tar archive: a consistent "
      "snapshot of the database plus every model, log, run, dataset and plot");
  args->flags.AddTo(cmd, false);
  cmd->add_option("--out", args->out,
                  "Archive to create (must not exist; put it outside the data "
                  "directory)")
      ->required();
  cmd->callback([args, exit_code] { *exit_code = Backup(*args); });
}

}  // namespace trainyard::cli
