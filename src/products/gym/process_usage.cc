#include "products/gym/process_usage.h"

#include <malloc.h>
#include <time.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

namespace trainyard::gym {

int64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

int64_t HeapInUseBytes() {
  const struct mallinfo2 info = mallinfo2();
  return static_cast<int64_t>(info.uordblks + info.hblkhd);
}


namespace {

double WallSeconds() {
  return std::chrono::duration<double>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Value in kB of `key` ("MemTotal:") in /proc/meminfo.
std::optional<int64_t> MeminfoKb(const std::string& key) {
  std::ifstream in("/proc/meminfo");
  std::string name;
  int64_t value = 0;
  std::string unit;
  while (in >> name >> value >> unit) {
    if (name == key) return value;
  }
  return std::nullopt;
}

}  // namespace

std::optional<CpuTimes> ReadProcessCpu() {
  std::ifstream in("/proc/self/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name may contain spaces; fields resume after its ')'.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  double utime = 0, stime = 0;
  // After ')' come state (field 3) ... utime is field 14, stime field 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14) utime = std::stod(field);
    if (i == 15) stime = std::stod(field);
  }
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return CpuTimes{(utime + stime) / hz, WallSeconds()};
}

std::optional<CpuTimes> ReadHostCpu() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  if (!(in >> cpu) || cpu != "cpu") return std::nullopt;
  double total = 0, idle = 0, value = 0;
  for (int i = 0; i < 8 && in >> value; ++i) {
    total += value;
    if (i == 3 || i == 4) idle += value;  // idle, iowait
  }
  const double hz = static_cast<double>(sysconf(_SC_CLK_TCK));
  return CpuTimes{(total - idle) / hz, total / hz};
}

double CpuFraction(const CpuTimes& before, const CpuTimes& after) {
  const double total = after.total_seconds - before.total_seconds;
  if (total <= 0) return 0.0;
  const double busy = after.busy_seconds - before.busy_seconds;
  return busy > 0 ? busy / total : 0.0;
}

std::optional<int64_t> ReadProcessRssBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return std::nullopt;
  return resident * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

std::optional<double> ReadHostMemoryFraction() {
  auto total = MeminfoKb("MemTotal:");
  auto available = MeminfoKb("MemAvailable:");
  if (!total || !available || *total <= 0) return std::nullopt;
  return 1.0 - static_cast<double>(*available) / *total;
}

std::optional<int64_t> ReadHostMemoryTotalBytes() {
  auto total = MeminfoKb("MemTotal:");
  if (!total) return std::nullopt;
  return *total * 1024;
}

}  // namespace trainyard::gym
