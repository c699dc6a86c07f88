// CPU and memory usage of this process and of the host, read from /proc,
// for the gym's deployment and system metrics.
#pragma once

#include <cstdint>
#include <optional>

namespace trainyard::gym {

// Cumulative CPU counters; the fraction between two readings is what the
// metrics report.
struct CpuTimes {
  double busy_seconds = 0.0;   // process: user + system; host: non-idle
  double total_seconds = 0.0;  // process: wall time; host: all jiffies
};

// This process: utime + stime from /proc/self/stat against wall time.
std::optional<CpuTimes> ReadProcessCpu();
// The host: the first "cpu" line of /proc/stat (idle + iowait is idle).
std::optional<CpuTimes> ReadHostCpu();
// Busy fraction between two readings, in [0, cores] for a process and
// [0, 1] for the host; 0 if no time passed.
double CpuFraction(const CpuTimes& before, const CpuTimes& after);

// Resident set size of this process in bytes (/proc/self/statm).
std::optional<int64_t> ReadProcessRssBytes();
// Host memory in use as a fraction: 1 - MemAvailable / MemTotal.
std::optional<double> ReadHostMemoryFraction();
// MemTotal in bytes.
std::optional<int64_t> ReadHostMemoryTotalBytes();

// CPU time the calling thread has used (CLOCK_THREAD_CPUTIME_ID), in ns;
// the difference around a piece of work is the CPU it cost on this thread,
// whatever else the process does meanwhile.
int64_t ThreadCpuNanos();

// Bytes the C heap has handed out and not taken back (glibc mallinfo2:
// in-use chunks plus mmapped blocks). Process-wide.
int64_t HeapInUseBytes();

}  // namespace trainyard::gym
