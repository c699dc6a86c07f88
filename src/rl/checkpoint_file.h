// The on-disk container of checkpoints and exported policies: a magic tag,
// a format version, a JSON metadata section, an opaque payload (the torch
// archive of the networks and optimisers) and a SHA-256 over all of it, so
// truncated or corrupt files are detected before torch parses them.
// Files are written atomically (temp file + fsync + rename + fsync dir).
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace trainyard::rl {

// Kind tags distinguish a full training checkpoint from an inference policy.
inline constexpr const char* kCheckpointKind = "checkpoint";
inline constexpr const char* kPolicyKind = "policy";

struct CheckpointFile {
  std::string meta_json;  // JSON object; must contain "kind"
  std::string payload;    // opaque bytes (a torch archive)
};

// Writes `bytes` to `path` so that readers see either the old file or the
// complete new one, even across a crash. IO error on failure.
Status WriteFileAtomically(const std::string& path, std::string_view bytes);

// Encodes and atomically writes `file`. IO error on failure.
Status WriteCheckpointFile(const std::string& path, const CheckpointFile& file);

// Reads and verifies a file written by WriteCheckpointFile. NOT_FOUND if it
// does not exist; CORRUPTION (message naming the path and what is wrong) if
// it is not a Trainyard checkpoint, has an unsupported version, is
// truncated or fails its checksum.
Result<CheckpointFile> ReadCheckpointFile(const std::string& path);

}  // namespace trainyard::rl
