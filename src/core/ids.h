// Identifiers: random UUIDv4 strings (AI Studio resources, users) and 24-hex
// ids (edge-scaling training tasks, request ids). Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace trainyard {

// A random RFC 4122 version-4 UUID, e.g.
// "550e8400-e29b-41d4-a716-446655440000".
std::string NewUuidV4();

// 24 lower-case hex characters (96 random bits), e.g.
// "65f2a1b3c4d5e6f7a8b9c0d1".
std::string NewHexId24();

// True if `s` is a canonical lower- or upper-case UUID (any version).
bool IsUuid(std::string_view s);

// True if `s` is exactly 24 hex characters.
bool IsHexId24(std::string_view s);

}  // namespace trainyard
