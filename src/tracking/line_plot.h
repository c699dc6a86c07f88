// PNG line plots of named series (e.g. episode return against environment
// steps) with axes, tick labels, axis labels, a title and a legend, rendered
// with cairo. Products use it for learning curves in run directories.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace trainyard::tracking {

// One line: points (x[i], y[i]); non-finite points break the line.
struct Series {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;
};

struct PlotOptions {
  std::string title;
  std::string x_label;
  std::string y_label;
  int width = 900;   // pixels
  int height = 540;  // pixels
};

// Renders `series` into a PNG at `path` (written to a temporary file and
// renamed, so readers never see a partial image). Axis ranges cover every
// finite point, with "nice" ticks (1, 2, 5 x 10^k). Colours follow the
// matplotlib "tab10" cycle in series order. VALIDATION_ERROR if there are no
// series, a series has x.size() != y.size(), no point is finite, or the size
// is below 200 x 150; IO_ERROR if the file cannot be written. Thread-safe.
Status RenderLinePlotPng(const std::vector<Series>& series,
                         const PlotOptions& options, const std::string& path);

// Plots columns of a metrics CSV (as written by CsvLogger) against
// `x_column`: one series per entry of `y_columns`, named after it, made of the
// rows where both cells are numbers (so sparsely logged metrics still draw
// as lines). NOT_FOUND if a column is missing; otherwise as RenderLinePlotPng
// (and its errors) or ReadCsv's IO_ERROR.
Status RenderCsvColumnsPng(const std::string& csv_path,
                           const std::string& x_column,
                           const std::vector<std::string>& y_columns,
                           const PlotOptions& options,
                           const std::string& png_path);

// The tab10 colour of series `index` as 0-255 RGB (for tests and legends).
void SeriesColor(int index, int* r, int* g, int* b);

}  // namespace trainyard::tracking
