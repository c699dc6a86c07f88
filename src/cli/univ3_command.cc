// `trainyard univ3 simulate --input scenario.json`: replays a scenario
// through the exact Uniswap V3 pool engine and prints the JSON results.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "univ3/scenario.h"

namespace trainyard::cli {
namespace {

// Reads a whole file ("-" is stdin); false if it cannot be opened.
bool ReadInput(const std::string& path, std::string* out) {
  if (path == "-") {
    out->assign(std::istreambuf_iterator<char>(std::cin), {});
    return true;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

void RegisterUniv3Command(CLI::App& app, int* exit_code) {
  auto* univ3 = app.add_subcommand(
      "univ3", "Exact Uniswap V3 pool engine (see docs/univ3.md)");
  univ3->require_subcommand(1);
  auto* simulate = univ3->add_subcommand(
      "simulate", "Replay a scenario JSON (pool + actions) and print results");
  auto input = std::make_shared<std::string>();
  simulate->add_option("--input,-i", *input, "Scenario file, or - for stdin")
      ->required();
  simulate->callback([exit_code, input] {
    std::string text;
    if (!ReadInput(*input, &text)) {
      std::cerr << "error: cannot read scenario file " << *input << "\n";
      *exit_code = 2;
      return;
    }
    Result<std::string> out = univ3::SimulateScenario(text);
    if (!out.ok()) {
      std::cerr << "error: invalid scenario: " << out.status().message() << "\n";
      *exit_code = 2;
      return;
    }
    std::cout << *out << "\n";
    *exit_code = 0;
  });
}

}  // namespace trainyard::cli
