// Subcommands of the `trainyard` binary. Each lives in its own
// <name>_command.cc and adds itself to the root CLI11 app; RegisterAll
// (commands.cc) calls the Register* functions of the layers that are built.
#pragma once

namespace CLI {
class App;
}

namespace trainyard::cli {

// Every Register function adds one subcommand (with its own --help) to `app`.
// When that subcommand runs, its callback stores the process exit code in
// *exit_code (0 success, 1 runtime failure, 2 bad usage or input).
void RegisterAll(CLI::App& app, int* exit_code);

void RegisterVersionCommand(CLI::App& app, int* exit_code);
void RegisterServeCommand(CLI::App& app, int* exit_code);
void RegisterWorkerCommand(CLI::App& app, int* exit_code);
void RegisterTokenCommand(CLI::App& app, int* exit_code);
void RegisterJobsCommand(CLI::App& app, int* exit_code);
// store/backup.h: `trainyard backup --out FILE` and
// `trainyard restore --from FILE --data-dir DIR`.
void RegisterBackupCommand(CLI::App& app, int* exit_code);
void RegisterRestoreCommand(CLI::App& app, int* exit_code);
// univ3/ + market/: `trainyard univ3 simulate --input scenario.json`.
void RegisterUniv3Command(CLI::App& app, int* exit_code);
// chain/: `trainyard chain snapshot|history|execute ...`.
void RegisterChainCommand(CLI::App& app, int* exit_code);
// rl/: `trainyard train ...` and `trainyard evaluate ...`.
void RegisterTrainCommand(CLI::App& app, int* exit_code);
void RegisterEvaluateCommand(CLI::App& app, int* exit_code);
// products/studio: `trainyard import ohlcv --symbol S --csv file.csv`.
void RegisterImportCommand(CLI::App& app, int* exit_code);

}  // namespace trainyard::cli
