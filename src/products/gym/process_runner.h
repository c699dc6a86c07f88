// Runs an external program with text on its standard input and collects its
// exit code and output. An interface so that the Kubernetes deploy path can
// be tested with a fake kubectl (tests assert on the command line and the
// manifests it would have received).
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::gym {

struct ProcessResult {
  int exit_code = 0;  // 128 + signal when killed by a signal
  std::string stdout_text;
  std::string stderr_text;
};

class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  // Runs argv[0] (looked up in PATH) with argv, writes `stdin_text` to its
  // standard input and waits for it to exit. A non-zero exit is a result,
  // not an error; NOT_FOUND if the program cannot be started, UNAVAILABLE
  // if it runs longer than `timeout_ms` (it is killed). Thread-safe.
  // REQUIRES: !argv.empty().
  virtual Result<ProcessResult> Run(const std::vector<std::string>& argv,
                                    const std::string& stdin_text,
                                    int timeout_ms) = 0;
};

// The real runner: fork/exec with pipes (posix_spawnp).
class SubprocessRunner final : public ProcessRunner {
 public:
  Result<ProcessResult> Run(const std::vector<std::string>& argv,
                            const std::string& stdin_text,
                            int timeout_ms) override;
};

}  // namespace trainyard::gym
