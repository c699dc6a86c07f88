// Whole-file IO for the ml layer: reading a file into memory, and crash-safe
// replacement of artifacts (saved models, plots) so readers see either the
// old file or the complete new one, never a partial write.
#pragma once

#include <string>

#include "core/status.h"

namespace trainyard::ml {

// Replaces `path` with `bytes` through the one atomic writer
// (store::FileSystem::WriteFileAtomic on the process's file system: temp
// file, fsync, rename, fsync of the directory). OK or IO_ERROR; the old
// content stays on an error before the rename. Thread-safe.
Status WriteFileAtomically(const std::string& path, const std::string& bytes);

// The whole content of `path`. IO_ERROR (naming `what` and the path) if it
// cannot be opened or read.
Result<std::string> ReadFile(const std::string& path, const std::string& what);

}  // namespace trainyard::ml
