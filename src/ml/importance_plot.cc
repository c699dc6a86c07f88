#include "ml/importance_plot.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numeric>

namespace trainyard::ml {
namespace {

constexpr int kWidth = 900;
constexpr int kLabelWidth = 220;
constexpr int kRowHeight = 34;
constexpr int kTop = 70;
constexpr int kBottom = 50;
constexpr int kRight = 90;

struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* c) const { cairo_destroy(c); }
};

struct Canvas {
  std::unique_ptr<cairo_surface_t, SurfaceDeleter> surface;
  std::unique_ptr<cairo_t, ContextDeleter> cr;
};

Canvas NewCanvas(int width, int height) {
  Canvas c;
  c.surface.reset(
      cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height));
  c.cr.reset(cairo_create(c.surface.get()));
  cairo_t* cr = c.cr.get();
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
  return c;
}

cairo_status_t AppendBytes(void* closure, const unsigned char* data,
                           unsigned int length) {
  static_cast<std::string*>(closure)->append(
      reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

Result<std::string> ToPng(Canvas& c) {
  cairo_surface_flush(c.surface.get());
  if (cairo_status(c.cr.get()) != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("cairo: ") +
                         cairo_status_to_string(cairo_status(c.cr.get())));
  }
  std::string png;
  const cairo_status_t st =
      cairo_surface_write_to_png_stream(c.surface.get(), AppendBytes, &png);
  if (st != CAIRO_STATUS_SUCCESS) {
    return InternalError(std::string("cairo: ") + cairo_status_to_string(st));
  }
  return png;
}

enum class Align { kLeft, kCenter, kRight };

void Text(cairo_t* cr, double x, double y, const std::string& s, Align align) {
  cairo_text_extents_t ext;
  cairo_text_extents(cr, s.c_str(), &ext);
  double dx = 0;
  if (align == Align::kCenter) dx = -ext.width / 2 - ext.x_bearing;
  if (align == Align::kRight) dx = -ext.width - ext.x_bearing;
  // y is the vertical centre of the text.
  cairo_move_to(cr, x + dx, y - ext.y_bearing - ext.height / 2);
  cairo_show_text(cr, s.c_str());
}

void Title(cairo_t* cr, const std::string& title) {
  cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
  cairo_set_font_size(cr, 20);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_BOLD);
  Text(cr, kWidth / 2.0, 32, title, Align::kCenter);
  cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
                         CAIRO_FONT_WEIGHT_NORMAL);
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// "Nice" axis step for a range: 1, 2 or 5 times a power of ten.
double NiceStep(double range, int ticks) {
  const double raw = range / ticks;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (raw <= m * mag) return m * mag;
  }
  return 10 * mag;
}

// Vertical grid lines and tick labels for x in [lo, hi] mapped to [x0, x1].
void XAxis(cairo_t* cr, double lo, double hi, double x0, double x1, double top,
           double bottom, const std::string& label) {
  const double step = NiceStep(hi - lo, 8);
  const int decimals =
      std::max(0, static_cast<int>(-std::floor(std::log10(step))));
  cairo_set_font_size(cr, 12);
  for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9;
       v += step) {
    const double x = x0 + (v - lo) / (hi - lo) * (x1 - x0);
    cairo_set_source_rgb(cr, 0.88, 0.88, 0.88);
    cairo_set_line_width(cr, 1);
    cairo_move_to(cr, x, top);
    cairo_line_to(cr, x, bottom);
    cairo_stroke(cr);
    cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
    Text(cr, x, bottom + 12,
         Fixed(std::fabs(v) < step * 1e-9 ? 0 : v, decimals), Align::kCenter);
  }
  cairo_set_font_size(cr, 13);
  Text(cr, (x0 + x1) / 2, bottom + 32, label, Align::kCenter);
}

}  // namespace

Result<std::string> RenderBarChartPng(const std::string& title,
                                      const std::vector<BarItem>& items) {
  if (items.empty()) return ValidationError("no items to plot");
  double max_value = 0;
  for (const auto& it : items) {
    if (!std::isfinite(it.value) || it.value < 0) {
      return ValidationError("bar value for '" + it.label +
                             "' must be finite and >= 0");
    }
    max_value = std::max(max_value, it.value);
  }
  if (max_value == 0) max_value = 1;
  const int height =
      kTop + kRowHeight * static_cast<int>(items.size()) + kBottom;
  Canvas c = NewCanvas(kWidth, height);
  cairo_t* cr = c.cr.get();
  Title(cr, title);
  const double x0 = kLabelWidth, x1 = kWidth - kRight;
  const double bottom = kTop + kRowHeight * items.size();
  XAxis(cr, 0, max_value, x0, x1, kTop, bottom, "importance");
  cairo_set_font_size(cr, 14);
  for (size_t i = 0; i < items.size(); ++i) {
    const double y = kTop + kRowHeight * i;
    const double w = items[i].value / max_value * (x1 - x0);
    cairo_set_source_rgb(cr, 0.16, 0.44, 0.75);
    cairo_rectangle(cr, x0, y + 5, w, kRowHeight - 10);
    cairo_fill(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    Text(cr, x0 - 10, y + kRowHeight / 2.0, items[i].label, Align::kRight);
    Text(cr, x0 + w + 6, y + kRowHeight / 2.0, Fixed(items[i].value, 3),
         Align::kLeft);
  }
  cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
  cairo_set_line_width(cr, 1.5);
  cairo_move_to(cr, x0, kTop);
  cairo_line_to(cr, x0, bottom);
  cairo_stroke(cr);
  return ToPng(c);
}

Result<std::string> RenderShapSummaryPng(
    const std::string& title, const std::vector<std::string>& features,
    const std::vector<float>& shap, const std::vector<float>& values) {
  const size_t nf = features.size();
  if (nf == 0 || shap.empty() || shap.size() % nf != 0 ||
      values.size() != shap.size()) {
    return ValidationError(
        "SHAP summary needs rows x features SHAP values "
        "and feature values of the same shape");
  }
  const size_t rows = shap.size() / nf;
  double lo = 0, hi = 0;
  for (float v : shap) {
    if (std::isfinite(v)) {
      lo = std::min(lo, static_cast<double>(v));
      hi = std::max(hi, static_cast<double>(v));
    }
  }
  const double pad = std::max(1e-6, (hi - lo) * 0.05);
  lo -= pad;
  hi += pad;
  const int height = kTop + kRowHeight * static_cast<int>(nf) + kBottom + 20;
  Canvas c = NewCanvas(kWidth, height);
  cairo_t* cr = c.cr.get();
  Title(cr, title);
  const double x0 = kLabelWidth, x1 = kWidth - kRight;
  const double bottom = kTop + kRowHeight * nf;
  XAxis(cr, lo, hi, x0, x1, kTop, bottom,
        "SHAP value (impact on model output)");
  auto x_of = [&](double v) { return x0 + (v - lo) / (hi - lo) * (x1 - x0); };
  cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
  cairo_set_line_width(cr, 1);
  cairo_move_to(cr, x_of(0), kTop);
  cairo_line_to(cr, x_of(0), bottom);
  cairo_stroke(cr);
  std::vector<size_t> order(rows);
  for (size_t f = 0; f < nf; ++f) {
    const double yc = kTop + kRowHeight * (f + 0.5);
    cairo_set_font_size(cr, 14);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    Text(cr, x0 - 10, yc, features[f], Align::kRight);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return values[a * nf + f] < values[b * nf + f];
    });
    for (size_t k = 0; k < rows; ++k) {
      const size_t r = order[k];
      const double t = rows > 1 ? static_cast<double>(k) / (rows - 1) : 0.5;
      // Deterministic vertical jitter so overlapping dots stay visible.
      const double jitter =
          (((r * 2654435761u) % 1000) / 1000.0 - 0.5) * (kRowHeight - 12);
      cairo_set_source_rgba(cr, 0.1 + 0.85 * t,
                            0.35 * (1 - std::fabs(2 * t - 1)), 0.95 - 0.85 * t,
                            0.75);
      cairo_arc(cr, x_of(shap[r * nf + f]), yc + jitter, 2.5, 0, 2 * M_PI);
      cairo_fill(cr);
    }
  }
  cairo_set_font_size(cr, 12);
  cairo_set_source_rgb(cr, 0.15, 0.35, 0.9);
  Text(cr, x1 + 10, kTop + 8, "low", Align::kLeft);
  cairo_set_source_rgb(cr, 0.9, 0.15, 0.15);
  Text(cr, x1 + 10, kTop + 24, "high", Align::kLeft);
  cairo_set_source_rgb(cr, 0.3, 0.3, 0.3);
  Text(cr, x1 + 10, kTop + 40, "feature", Align::kLeft);
  Text(cr, x1 + 10, kTop + 54, "value", Align::kLeft);
  return ToPng(c);
}

}  // namespace trainyard::ml
