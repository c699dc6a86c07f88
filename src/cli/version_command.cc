#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/commands.h"
#include "core/version.h"

namespace trainyard::cli {

void RegisterVersionCommand(CLI::App& app, int* exit_code) {
  auto* cmd = app.add_subcommand("version", "Print the Trainyard version");
  cmd->callback([exit_code] {
    std::cout << "trainyard " << kVersion << "\n";
    *exit_code = 0;
  });
}

}  // namespace trainyard::cli
