// UTF-8 checks for text that arrives from outside (request paths, query
// strings, header values) and for text that is echoed back in messages:
// JSON can only carry valid UTF-8, so anything else is refused on the way
// in and replaced on the way out. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace trainyard {

// True if `s` is well-formed UTF-8 (RFC 3629: no overlong forms, no
// surrogates, nothing above U+10FFFF). The empty string is valid.
bool IsValidUtf8(std::string_view s);

// `s` with every ill-formed byte sequence replaced by U+FFFD; valid input is
// returned unchanged.
std::string ToValidUtf8(std::string_view s);

// At most `max_bytes` bytes of `s`, cut at a character boundary, with "…"
// appended when anything was cut (so the result may exceed max_bytes by the
// 3 bytes of "…"). Ill-formed input is first made valid as ToValidUtf8.
std::string TruncateUtf8(std::string_view s, size_t max_bytes);

}  // namespace trainyard
