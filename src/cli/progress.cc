#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

namespace trainyard::cli {

namespace {

std::string Amount(int64_t n, bool bytes) {
  if (!bytes) return std::to_string(n);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MiB",
                static_cast<double>(n) / (1024.0 * 1024.0));
  return buf;
}

}  // namespace

ProgressPrinter::ProgressPrinter() : terminal_(::isatty(STDERR_FILENO) == 1) {}

void ProgressPrinter::Update(const std::string& phase, int64_t done,
                             int64_t total, bool bytes) {
  if (phase != phase_) {
    Finish();
    phase_ = phase;
    last_tenth_ = -1;
  }
  const int percent = total > 0 ? static_cast<int>(100 * done / total) : 100;
  const std::string line = phase + ": " + Amount(done, bytes) + " / " +
                           Amount(total, bytes) + " (" +
                           std::to_string(percent) + "%)";
  if (terminal_) {
    std::cerr << "\r" << line << "   " << std::flush;
    open_line_ = true;
    return;
  }
  if (percent / 10 == last_tenth_) return;
  last_tenth_ = percent / 10;
  std::cerr << line << "\n";
}

void ProgressPrinter::Finish() {
  if (open_line_) std::cerr << "\n";
  open_line_ = false;
}

}  // namespace trainyard::cli
