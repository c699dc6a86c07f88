#include "core/suggest.h"

#include <algorithm>

namespace trainyard {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1,
                         diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string> ClosestName(std::string_view name,
                                       const std::vector<std::string>& known) {
  const std::string* best = nullptr;
  size_t best_distance = name.size() <= 4 ? 2 : 3;  // must be below this
  for (const std::string& k : known) {
    const size_t d = EditDistance(name, k);
    if (d < best_distance) best_distance = d, best = &k;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

}  // namespace trainyard
