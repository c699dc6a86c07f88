#include "tracking/line_plot.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>

#include "store/file_system.h"
#include "tracking/csv_logger.h"

#if defined(__SANITIZE_ADDRESS__)
// fontconfig (loaded by cairo's text rendering) keeps process-lifetime caches
// that LeakSanitizer reports as leaks in every binary that draws text. This is
// the only definition of the hook in Trainyard; extend it here if needed.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
#endif

namespace trainyard::tracking {
namespace {

constexpr int kPalette[10][3] = {
    {31, 119, 180},  {255, 127, 14}, {44, 160, 44},   {214, 39, 40},
    {148, 103, 189}, {140, 86, 75},  {227, 119, 194}, {127, 127, 127},
    {188, 189, 34},  {23, 190, 207}};

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
};

// Tick spacing of 1, 2 or 5 x 10^k giving about `target` intervals.
double NiceStep(double span, int target) {
  const double raw = span / target;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double fraction = raw / magnitude;
  const double nice = fraction < 1.5 ? 1
                      : fraction < 3 ? 2
                      : fraction < 7 ? 5
                                     : 10;
  return nice * magnitude;
}

// Widens [lo, hi] to whole ticks; degenerate ranges get a unit span.
void NiceRange(Range* range, double* step) {
  if (range->hi - range->lo <= 0) {
    const double pad = std::max(1.0, std::abs(range->lo) * 0.1);
    range->lo -= pad;
    range->hi += pad;
  }
  *step = NiceStep(range->hi - range->lo, 6);
  range->lo = std::floor(range->lo / *step) * *step;
  range->hi = std::ceil(range->hi / *step) * *step;
}

std::string TickLabel(double v, double step) {
  if (std::abs(v) < step * 1e-9) v = 0;
  char buf[32];
  const double a = std::abs(v);
  if (a != 0 && (a >= 1e6 || a < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    const int decimals =
        std::max(0, static_cast<int>(-std::floor(std::log10(step))));
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  }
  return buf;
}

void SetColor(cairo_t* cr, int index) {
  int r, g, b;
  SeriesColor(index, &r, &g, &b);
  cairo_set_source_rgb(cr, r / 255.0, g / 255.0, b / 255.0);
}

void ShowText(cairo_t* cr, const std::string& text, double x, double y,
              double align_x, double align_y) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, text.c_str(), &ext);
  cairo_move_to(cr, x - ext.width * align_x - ext.x_bearing,
                y - ext.height * align_y - ext.y_bearing);
  cairo_show_text(cr, text.c_str());
}

Status Validate(const std::vector<Series>& series, const PlotOptions& options) {
  if (series.empty())
    return ValidationError("a plot needs at least one series");
  if (options.width < 200 || options.height < 150) {
    return ValidationError("plot size must be at least 200 x 150 pixels");
  }
  for (const Series& s : series) {
    if (s.x.size() != s.y.size()) {
      return ValidationError("series '" + s.name + "' has " +
                             std::to_string(s.x.size()) + " x values but " +
                             std::to_string(s.y.size()) + " y values");
    }
  }
  return Status::Ok();
}

}  // namespace

void SeriesColor(int index, int* r, int* g, int* b) {
  const int* c = kPalette[((index % 10) + 10) % 10];
  *r = c[0];
  *g = c[1];
  *b = c[2];
}

Status RenderLinePlotPng(const std::vector<Series>& series,
                         const PlotOptions& options, const std::string& path) {
  TY_RETURN_IF_ERROR(Validate(series, options));
  Range xr, yr;
  for (const Series& s : series) {
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (std::isfinite(s.x[i]) && std::isfinite(s.y[i])) {
        xr.Add(s.x[i]);
        yr.Add(s.y[i]);
      }
    }
  }
  if (!(xr.lo <= xr.hi)) return ValidationError("no finite points to plot");
  double xstep, ystep;
  NiceRange(&xr, &xstep);
  NiceRange(&yr, &ystep);

  const double w = options.width, h = options.height;
  const double left = 80, right = w - 24, top = options.title.empty() ? 24 : 48;
  const double bottom = h - 58;
  auto px = [&](double x) {
    return left + (x - xr.lo) / (xr.hi - xr.lo) * (right - left);
  };
  auto py = [&](double y) {
    return bottom - (y - yr.lo) / (yr.hi - yr.lo) * (bottom - top);
  };

  cairo_surface_t* surface = cairo_image_surface_create(
      CAIRO_FORMAT_ARGB32, options.width, options.height);
  cairo_t* cr = cairo_create(surface);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);

  // Grid, ticks and tick labels.
  cairo_set_font_size(cr, 12);
  cairo_set_line_width(cr, 1);
  for (double v = xr.lo; v <= xr.hi + xstep * 1e-6; v += xstep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, std::round(px(v)) + 0.5, top);
    cairo_line_to(cr, std::round(px(v)) + 0.5, bottom);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    ShowText(cr, TickLabel(v, xstep), px(v), bottom + 8, 0.5, 0.0);
  }
  for (double v = yr.lo; v <= yr.hi + ystep * 1e-6; v += ystep) {
    cairo_set_source_rgb(cr, 0.9, 0.9, 0.9);
    cairo_move_to(cr, left, std::round(py(v)) + 0.5);
    cairo_line_to(cr, right, std::round(py(v)) + 0.5);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    ShowText(cr, TickLabel(v, ystep), left - 8, py(v), 1.0, 0.5);
  }
  // Axes box.
  cairo_set_source_rgb(cr, 0, 0, 0);
  cairo_rectangle(cr, left + 0.5, top + 0.5, right - left, bottom - top);
  cairo_stroke(cr);

  // Labels and title.
  cairo_set_font_size(cr, 14);
  ShowText(cr, options.x_label, (left + right) / 2, h - 12, 0.5, 1.0);
  if (!options.y_label.empty()) {
    cairo_save(cr);
    cairo_translate(cr, 18, (top + bottom) / 2);
    cairo_rotate(cr, -M_PI / 2);
    ShowText(cr, options.y_label, 0, 0, 0.5, 0.5);
    cairo_restore(cr);
  }
  cairo_set_font_size(cr, 16);
  ShowText(cr, options.title, (left + right) / 2, 14, 0.5, 0.0);

  // Series, clipped to the plot area.
  cairo_save(cr);
  cairo_rectangle(cr, left, top, right - left, bottom - top);
  cairo_clip(cr);
  cairo_set_line_width(cr, 2);
  cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
  for (size_t k = 0; k < series.size(); ++k) {
    const Series& s = series[k];
    SetColor(cr, static_cast<int>(k));
    bool pen_down = false;
    for (size_t i = 0; i < s.x.size(); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        pen_down = false;
        continue;
      }
      if (pen_down) {
        cairo_line_to(cr, px(s.x[i]), py(s.y[i]));
      } else {
        cairo_move_to(cr, px(s.x[i]), py(s.y[i]));
        // A lone point still shows as a dot.
        cairo_line_to(cr, px(s.x[i]) + 0.01, py(s.y[i]));
        pen_down = true;
      }
    }
    cairo_stroke(cr);
  }
  cairo_restore(cr);

  // Legend in the top-left corner of the plot area.
  cairo_set_font_size(cr, 12);
  double legend_w = 0;
  for (const Series& s : series) {
    cairo_text_extents_t ext;
    cairo_text_extents(cr, s.name.c_str(), &ext);
    legend_w = std::max(legend_w, ext.x_advance);
  }
  const double row_h = 18, lx = left + 10, ly = top + 10;
  cairo_set_source_rgba(cr, 1, 1, 1, 0.85);
  cairo_rectangle(cr, lx, ly, legend_w + 44, row_h * series.size() + 8);
  cairo_fill_preserve(cr);
  cairo_set_source_rgb(cr, 0.6, 0.6, 0.6);
  cairo_set_line_width(cr, 1);
  cairo_stroke(cr);
  for (size_t k = 0; k < series.size(); ++k) {
    const double y = ly + 4 + row_h * k + row_h / 2;
    SetColor(cr, static_cast<int>(k));
    cairo_set_line_width(cr, 3);
    cairo_move_to(cr, lx + 6, y);
    cairo_line_to(cr, lx + 30, y);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0, 0, 0);
    ShowText(cr, series[k].name, lx + 36, y, 0.0, 0.5);
  }

  cairo_destroy(cr);
  // Encoded in memory, then written by the one atomic writer.
  std::string png;
  const cairo_status_t status = cairo_surface_write_to_png_stream(
      surface,
      [](void* closure, const unsigned char* data, unsigned int length) {
        static_cast<std::string*>(closure)->append(
            reinterpret_cast<const char*>(data), length);
        return CAIRO_STATUS_SUCCESS;
      },
      &png);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return IoError("cannot write " + path + ": " +
                   cairo_status_to_string(status));
  }
  return store::DefaultFileSystem()->WriteFileAtomic(path, png);
}

Status RenderCsvColumnsPng(const std::string& csv_path,
                           const std::string& x_column,
                           const std::vector<std::string>& y_columns,
                           const PlotOptions& options,
                           const std::string& png_path) {
  TY_ASSIGN_OR_RETURN(const CsvTable table, ReadCsv(csv_path));
  auto index_of = [&](const std::string& name) -> Result<size_t> {
    const auto it = std::find(table.columns.begin(), table.columns.end(), name);
    if (it == table.columns.end()) {
      return NotFoundError("column '" + name + "' is not in " + csv_path);
    }
    return static_cast<size_t>(it - table.columns.begin());
  };
  auto number = [](const std::vector<std::string>& row, size_t i, double* out) {
    if (i >= row.size() || row[i].empty()) return false;
    char* end = nullptr;
    *out = std::strtod(row[i].c_str(), &end);
    return end != row[i].c_str() && std::isfinite(*out);
  };
  TY_ASSIGN_OR_RETURN(const size_t xi, index_of(x_column));
  std::vector<Series> series;
  for (const std::string& name : y_columns) {
    TY_ASSIGN_OR_RETURN(const size_t yi, index_of(name));
    Series s{name, {}, {}};
    for (const auto& row : table.rows) {
      double x, y;
      if (number(row, xi, &x) && number(row, yi, &y)) {
        s.x.push_back(x);
        s.y.push_back(y);
      }
    }
    series.push_back(std::move(s));
  }
  return RenderLinePlotPng(series, options, png_path);
}

}  // namespace trainyard::tracking
