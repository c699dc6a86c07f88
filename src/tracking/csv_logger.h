// Per-update training metrics as a CSV file in the run directory (e.g.
// metrics.csv): one row per update, one column per metric. Survives resume:
// reopening appends to the same file and keeps every earlier row.
#pragma once

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace trainyard::tracking {

// Appends rows of named numbers. Column order is stable: the header is the
// first row's keys in the order given; later keys are appended at the end.
// Each row is flushed to the OS before Log returns. Not thread-safe.
class CsvLogger {
 public:
  using Row = std::vector<std::pair<std::string, double>>;

  // Opens (creating if needed) `path` for appending. If it already has rows,
  // its header defines the columns, and a torn last line left by a crash
  // mid-write (no trailing newline) is dropped. IO_ERROR on failure;
  // CORRUPTION if an existing non-empty file has no header line.
  static Result<CsvLogger> Open(const std::string& path);

  CsvLogger(CsvLogger&& other) noexcept;
  CsvLogger& operator=(CsvLogger&& other) noexcept;
  CsvLogger(const CsvLogger&) = delete;
  CsvLogger& operator=(const CsvLogger&) = delete;
  ~CsvLogger();

  // Appends one row; keys missing from `row` leave empty cells. A key not yet
  // in the header extends it: the file is rewritten through a temporary file
  // and an atomic rename, earlier rows getting empty cells. Numbers use the
  // shortest text that reads back exactly ("nan", "inf", "-inf" for
  // non-finite values). REQUIRES: keys within a row are distinct.
  Status Log(const Row& row);

  // For resuming from a checkpoint: removes every row whose `column` cell is
  // a number greater than `value` (rows with an empty cell stay), rewriting
  // the file through a temporary file and an atomic rename. A no-op if the
  // column does not exist. IO_ERROR on failure.
  Status DropRowsAfter(const std::string& column, double value);

  const std::vector<std::string>& columns() const { return columns_; }
  const std::string& path() const { return path_; }

 private:
  CsvLogger(std::string path, std::vector<std::string> columns, std::FILE* file)
      : path_(std::move(path)), columns_(std::move(columns)), file_(file) {}
  Status ExtendHeader(const std::vector<std::string>& added);
  // Atomically replaces the file with `text` and reopens it for appending.
  Status ReplaceContents(const std::string& text);

  std::string path_;
  std::vector<std::string> columns_;
  std::FILE* file_ = nullptr;
};

// A parsed CSV file (for tests and tools): header and rows of raw cells.
struct CsvTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
};

// Reads a CSV file written by CsvLogger (RFC 4180 quoting).
Result<CsvTable> ReadCsv(const std::string& path);

}  // namespace trainyard::tracking
