// ASCII text helpers for protocol tokens (HTTP header values and their
// parameters), which are case-insensitive and may carry spaces around
// them. Locale-independent for ASCII; pure; thread-safe.
#pragma once

#include <algorithm>
#include <cctype>
#include <string_view>

namespace trainyard {

// `s` without leading and trailing whitespace (std::isspace).
inline std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// True if `a` and `b` are equal letter for letter, ignoring ASCII case.
inline bool EqualsIgnoringAsciiCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace trainyard
