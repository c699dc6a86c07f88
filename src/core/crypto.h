// Cryptographic primitives used for tokens, ids and webhook signatures,
// backed by OpenSSL's libcrypto. All functions are thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace trainyard {

// `n` bytes from the operating system's CSPRNG. Aborts if it is unavailable
// (there is no safe fallback for token generation).
std::string RandomBytes(size_t n);

// Lower-case hexadecimal encoding of `bytes`.
std::string HexEncode(std::string_view bytes);

// SHA-256 of `data` as 64 lower-case hex characters.
std::string Sha256Hex(std::string_view data);

// HMAC-SHA256 of `message` under `key`, as 64 lower-case hex characters.
std::string HmacSha256Hex(std::string_view key, std::string_view message);

// Compares two strings in time independent of where they first differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace trainyard
