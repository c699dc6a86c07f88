// "Did you mean" for mistyped names: the known name nearest to an unknown
// one by edit distance. Shared by every parser that rejects unknown names
// (rl hyperparameters, univ3 scenarios).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trainyard {

// Levenshtein distance between a and b. Pure.
size_t EditDistance(std::string_view a, std::string_view b);

// The name in `known` nearest to `name` when it is close enough to be a typo
// (edit distance <= 2, <= 1 for names of up to 4 letters); the first of
// equally near names; nullopt otherwise. Pure.
std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& known);

}  // namespace trainyard
