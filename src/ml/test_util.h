// Helpers shared by the ml tests: fixture paths and small series builders.
#pragma once

#include <string>
#include <vector>

#include "ml/ohlcv.h"

namespace trainyard::ml::testing {

// tests/fixtures/ml/<name> in the source tree.
inline std::string FixturePath(const std::string& name) {
  return std::string(TRAINYARD_ML_FIXTURES) + "/" + name;
}

// A series with the given closes on consecutive days from 2020-01-01;
// open = high = low = close unless given, volume 1000 unless given.
inline OhlcvSeries SeriesFromCloses(const std::vector<double>& close,
                                    std::vector<double> volume = {}) {
  OhlcvSeries s;
  s.symbol = "TEST";
  for (size_t i = 0; i < close.size(); ++i) {
    s.days.push_back(18262 + static_cast<DayNumber>(i));  // 2020-01-01
    s.open.push_back(close[i]);
    s.high.push_back(close[i]);
    s.low.push_back(close[i]);
    s.close.push_back(close[i]);
    s.volume.push_back(volume.empty() ? 1000.0 : volume[i]);
  }
  return s;
}

}  // namespace trainyard::ml::testing
