#include "tracking/csv_logger.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/file_system.h"

namespace trainyard::tracking {
namespace {

namespace fs = std::filesystem;

std::string QuoteCell(const std::string& cell) {
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string out = "\"";
  for (char c : cell) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string FormatNumber(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, ec == std::errc() ? end : buf);
}

// Splits one CSV record (without its newline) into cells.
std::vector<std::string> SplitRecord(std::string_view line) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(std::move(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  cells.push_back(std::move(cell));
  return cells;
}

// Splits text into complete lines; a final line without '\n' is returned in
// *torn (empty if none). Quoted newlines are not produced by CsvLogger for
// numbers, and keys with newlines are quoted, so records are split on quotes
// state too.
std::vector<std::string> SplitLines(const std::string& text,
                                    std::string* torn) {
  std::vector<std::string> lines;
  std::string line;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (c == '\n' && !quoted) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      lines.push_back(std::move(line));
      line.clear();
    } else {
      line += c;
    }
  }
  *torn = line;
  return lines;
}

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return IoError("cannot read " + path);
  return std::string((std::istreambuf_iterator<char>(in)),
                     std::istreambuf_iterator<char>());
}

std::string JoinHeader(const std::vector<std::string>& columns) {
  std::string out;
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) out += ',';
    out += QuoteCell(columns[i]);
  }
  return out + "\n";
}

}  // namespace

Result<CsvLogger> CsvLogger::Open(const std::string& path) {
  std::vector<std::string> columns;
  std::error_code ec;
  if (fs::exists(path, ec) && fs::file_size(path, ec) > 0) {
    TY_ASSIGN_OR_RETURN(std::string text, ReadWhole(path));
    std::string torn;
    std::vector<std::string> lines = SplitLines(text, &torn);
    if (lines.empty()) {
      return Status(ErrorCode::kCorruption,
                    "metrics file " + path + " has no complete header line");
    }
    columns = SplitRecord(lines[0]);
    if (!torn.empty()) {
      // Drop the partial row a crash left behind.
      fs::resize_file(path, text.size() - torn.size(), ec);
      if (ec) return IoError("cannot repair " + path + ": " + ec.message());
    }
  }
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) {
    return IoError("cannot open " + path + ": " + std::strerror(errno));
  }
  return CsvLogger(path, std::move(columns), file);
}

CsvLogger::CsvLogger(CsvLogger&& other) noexcept
    : path_(std::move(other.path_)),
      columns_(std::move(other.columns_)),
      file_(std::exchange(other.file_, nullptr)) {}

CsvLogger& CsvLogger::operator=(CsvLogger&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    path_ = std::move(other.path_);
    columns_ = std::move(other.columns_);
    file_ = std::exchange(other.file_, nullptr);
  }
  return *this;
}

CsvLogger::~CsvLogger() {
  if (file_ != nullptr) std::fclose(file_);
}

Status CsvLogger::Log(const Row& row) {
  if (file_ == nullptr) return InternalError("CSV logger is closed");
  const bool new_file = columns_.empty();
  std::vector<std::string> added;
  for (const auto& [key, unused] : row) {
    if (std::find(columns_.begin(), columns_.end(), key) == columns_.end() &&
        std::find(added.begin(), added.end(), key) == added.end()) {
      added.push_back(key);
    }
  }
  if (new_file) {
    columns_ = added;
    const std::string header = JoinHeader(columns_);
    if (std::fwrite(header.data(), 1, header.size(), file_) != header.size()) {
      return IoError("cannot write " + path_ + ": " + std::strerror(errno));
    }
  } else if (!added.empty()) {
    TY_RETURN_IF_ERROR(ExtendHeader(added));
  }
  std::string line;
  for (size_t c = 0; c < columns_.size(); ++c) {
    if (c > 0) line += ',';
    for (const auto& [key, value] : row) {
      if (key == columns_[c]) {
        line += FormatNumber(value);
        break;
      }
    }
  }
  line += '\n';
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() ||
      std::fflush(file_) != 0) {
    return IoError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Status CsvLogger::ExtendHeader(const std::vector<std::string>& added) {
  std::fflush(file_);
  TY_ASSIGN_OR_RETURN(std::string text, ReadWhole(path_));
  std::string torn;
  std::vector<std::string> lines = SplitLines(text, &torn);
  std::vector<std::string> columns = columns_;
  columns.insert(columns.end(), added.begin(), added.end());
  std::string out = JoinHeader(columns);
  const std::string padding(added.size(), ',');
  for (size_t i = 1; i < lines.size(); ++i) out += lines[i] + padding + "\n";

  TY_RETURN_IF_ERROR(ReplaceContents(out));
  columns_ = std::move(columns);
  return Status::Ok();
}

Status CsvLogger::DropRowsAfter(const std::string& column, double value) {
  if (file_ == nullptr) return InternalError("CSV logger is closed");
  const auto it = std::find(columns_.begin(), columns_.end(), column);
  if (it == columns_.end()) return Status::Ok();
  const size_t index = it - columns_.begin();
  std::fflush(file_);
  TY_ASSIGN_OR_RETURN(std::string text, ReadWhole(path_));
  std::string torn;
  std::vector<std::string> lines = SplitLines(text, &torn);
  std::string out = lines.empty() ? std::string() : lines[0] + "\n";
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::vector<std::string> cells = SplitRecord(lines[i]);
    if (index < cells.size() && !cells[index].empty()) {
      char* end = nullptr;
      const double cell = std::strtod(cells[index].c_str(), &end);
      if (end != cells[index].c_str() && cell > value) continue;
    }
    out += lines[i] + "\n";
  }
  return ReplaceContents(out);
}

Status CsvLogger::ReplaceContents(const std::string& text) {
  TY_RETURN_IF_ERROR(store::DefaultFileSystem()->WriteFileAtomic(path_, text));
  std::fclose(file_);
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) {
    return IoError("cannot reopen " + path_ + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<CsvTable> ReadCsv(const std::string& path) {
  TY_ASSIGN_OR_RETURN(std::string text, ReadWhole(path));
  std::string torn;
  std::vector<std::string> lines = SplitLines(text, &torn);
  CsvTable table;
  if (lines.empty()) return table;
  table.columns = SplitRecord(lines[0]);
  for (size_t i = 1; i < lines.size(); ++i) {
    table.rows.push_back(SplitRecord(lines[i]));
  }
  return table;
}

}  // namespace trainyard::tracking
