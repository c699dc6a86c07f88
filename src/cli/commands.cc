#include "cli/commands.h"

namespace trainyard::cli {

// The TRAINYARD_HAS_* definitions come from cli/CMakeLists.txt, set when the
// layer and its command file are part of the build.
void RegisterAll(CLI::App& app, int* exit_code) {
  RegisterServeCommand(app, exit_code);
  RegisterWorkerCommand(app, exit_code);
  RegisterTokenCommand(app, exit_code);
  RegisterJobsCommand(app, exit_code);
  RegisterBackupCommand(app, exit_code);
  RegisterRestoreCommand(app, exit_code);
#ifdef TRAINYARD_HAS_UNIV3_COMMAND
  RegisterUniv3Command(app, exit_code);
#endif
#ifdef TRAINYARD_HAS_CHAIN_COMMAND
  RegisterChainCommand(app, exit_code);
#endif
#ifdef TRAINYARD_HAS_RL_COMMANDS
  RegisterTrainCommand(app, exit_code);
  RegisterEvaluateCommand(app, exit_code);
#endif
#ifdef TRAINYARD_HAS_IMPORT_COMMAND
  RegisterImportCommand(app, exit_code);
#endif
  RegisterVersionCommand(app, exit_code);
}

}  // namespace trainyard::cli
