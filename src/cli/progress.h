// Progress of a long CLI operation (backup, restore) on stderr: one line
// rewritten in place on a terminal, a line per tenth of the work otherwise
// (so logs of scripted runs stay short).
#pragma once

#include <cstdint>
#include <string>

namespace trainyard::cli {

// Not thread-safe; one per operation.
class ProgressPrinter {
 public:
  ProgressPrinter();
  // Reports `done` of `total` for `phase`; `bytes` says whether they are
  // bytes (printed in MiB) or plain counts (e.g. database pages).
  void Update(const std::string& phase, int64_t done, int64_t total,
              bool bytes);
  // Ends the in-place line, if any.
  void Finish();

 private:
  bool terminal_;
  std::string phase_;
  int last_tenth_ = -1;
  bool open_line_ = false;
};

}  // namespace trainyard::cli
