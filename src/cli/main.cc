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
  CLI11_PARSE(app, argc, argv);
  return exit_code;
}
