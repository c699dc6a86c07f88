// The `trainyard` binary: parses the command line and dispatches to one
// subcommand. All behaviour lives in the *_command.cc files.
#include <CLI/CLI.hpp>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "Trainyard: train, evaluate, explain, serve and publish decision models",
      "trainyard"};
  app.require_subcommand(1);
  int exit_code = 0;
  trainyard::cli::RegisterAll(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 prints the message (or the help) itself; its own exit codes
    // (106 for a missing option, ...) become our documented 2 = bad usage.
    const int cli11_code = app.exit(e);
    return cli11_code == 0 ? 0 : 2;
  }
  return exit_code;
}
