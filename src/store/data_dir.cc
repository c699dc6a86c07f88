#include "store/data_dir.h"

#include <filesystem>

#include "store/internal_files.h"

namespace trainyard::store {

namespace fs = std::filesystem;

Result<DataDir> DataDir::Open(const std::string& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec)
    return IoError("cannot create data directory '" + root +
                   "': " + ec.message());
  fs::path canonical = fs::canonical(root, ec);
  if (ec)
    return IoError("cannot resolve data directory '" + root +
                   "': " + ec.message());
  return DataDir(canonical.string());
}

namespace {

bool IsInside(const fs::path& root, const fs::path& p) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

// Canonicalises the longest existing prefix of `p` (following symlinks) and
// appends the rest, so a symlink anywhere on the way is seen for what it is.
fs::path ResolveExistingPrefix(const fs::path& p) {
  fs::path existing = p, rest;
  std::error_code ec;
  while (!existing.empty() && !fs::exists(existing, ec)) {
    rest = existing.filename() / rest;
    existing = existing.parent_path();
  }
  fs::path canonical = fs::canonical(existing, ec);
  if (ec) return p;
  return rest.empty() ? canonical : (canonical / rest).lexically_normal();
}

}  // namespace

Result<std::string> DataDir::Resolve(std::string_view relative,
                                     std::string_view field) const {
  auto refuse = [&](const std::string& why) {
    return ValidationError("invalid " + std::string(field) + ": " + why,
                           {{std::string(field), why}});
  };
  if (relative.empty()) return refuse("must not be empty");
  if (relative.find('\0') != std::string_view::npos)
    return refuse("contains a NUL byte");
  if (relative.find('\\') != std::string_view::npos)
    return refuse("contains a backslash");
  fs::path rel(relative);
  if (rel.is_absolute())
    return refuse("must be relative to the data directory");
  fs::path joined = (fs::path(root_) / rel).lexically_normal();
  if (!IsInside(root_, joined)) return refuse("escapes the data directory");
  if (!IsInside(root_, ResolveExistingPrefix(joined))) {
    return refuse("leads outside the data directory through a symlink");
  }
  std::string out = joined.string();
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  if (IsDatabaseFileOf(database_path(), out) || IsInternalFile(out))
    return NotFoundError("not found: " + std::string(relative));
  return out;
}

Result<std::string> DataDir::ResolveInside(std::string_view path,
                                           std::string_view field) const {
  fs::path p(path);
  if (!p.is_absolute()) return Resolve(path, field);
  fs::path normal = p.lexically_normal();
  if (!IsInside(root_, normal)) {
    return ValidationError(
        "invalid " + std::string(field) + ": must be inside the data directory",
        {{std::string(field), "must be inside the data directory"}});
  }
  std::string rel = Relative(normal.string());
  if (rel.empty()) rel = ".";
  return Resolve(rel, field);
}

std::string DataDir::Relative(const std::string& absolute) const {
  return fs::path(absolute).lexically_relative(root_).string();
}

}  // namespace trainyard::store
