#include "ml/importance_plot.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

// fontconfig (loaded by cairo's text rendering) keeps a process-wide font
// cache that it never frees; LeakSanitizer would report it. Only that
// library is suppressed. (Weak hook read by LSan; unused without it.)
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}

namespace trainyard::ml {
namespace {

struct Reader {
  const std::string* png;
  size_t pos = 0;
};

cairo_status_t ReadBytes(void* closure, unsigned char* data, unsigned int len) {
  auto* r = static_cast<Reader*>(closure);
  if (r->pos + len > r->png->size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(r->png->data() + r->pos, len, data);
  r->pos += len;
  return CAIRO_STATUS_SUCCESS;
}

// Decodes the PNG with cairo (an independent PNG reader path via libpng).
cairo_surface_t* Decode(const std::string& png) {
  Reader r{&png};
  return cairo_image_surface_create_from_png_stream(ReadBytes, &r);
}

// Counts pixels of the bar colour (0.16, 0.44, 0.75) -> RGB(41, 112, 191).
int BarPixels(cairo_surface_t* s) {
  const int w = cairo_image_surface_get_width(s);
  const int h = cairo_image_surface_get_height(s);
  const int stride = cairo_image_surface_get_stride(s);
  const unsigned char* data = cairo_image_surface_get_data(s);
  int count = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint32_t px =
          *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x);
      const int rr = (px >> 16) & 0xff, gg = (px >> 8) & 0xff, bb = px & 0xff;
      if (std::abs(rr - 41) < 3 && std::abs(gg - 112) < 3 &&
          std::abs(bb - 191) < 3) {
        ++count;
      }
    }
  }
  return count;
}

void MaybeKeep(const std::string& name, const std::string& png) {
  // TRAINYARD_ML_PLOT_DIR=/some/dir keeps the pictures for a human look.
  if (const char* dir = std::getenv("TRAINYARD_ML_PLOT_DIR")) {
    std::ofstream(std::string(dir) + "/" + name, std::ios::binary) << png;
  }
}

TEST(ImportancePlotTest, BarChartIsAPngWhoseBarsScaleWithValues) {
  auto one = RenderBarChartPng("Feature importance (gain)",
                               {{"rsi_14", 0.4}, {"macd_signal", 0.1}});
  auto other = RenderBarChartPng("Feature importance (gain)",
                                 {{"rsi_14", 0.4}, {"macd_signal", 0.4}});
  ASSERT_TRUE(one.ok() && other.ok()) << one.status().ToString();
  EXPECT_EQ(one->substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  MaybeKeep("feature-importance.png", *one);
  cairo_surface_t* a = Decode(*one);
  cairo_surface_t* b = Decode(*other);
  ASSERT_EQ(cairo_surface_status(a), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_width(a), 900);
  EXPECT_EQ(cairo_image_surface_get_height(a), 70 + 2 * 34 + 50);
  // Bars of 0.4 + 0.1 (scaled to the max 0.4) cover 1.25 bar-lengths; 0.4 +
  // 0.4 cover 2: the blue area ratio is 1.25 / 2.
  const double ratio = static_cast<double>(BarPixels(a)) / BarPixels(b);
  EXPECT_NEAR(ratio, 1.25 / 2.0, 0.02);
  cairo_surface_destroy(a);
  cairo_surface_destroy(b);
}

TEST(ImportancePlotTest, BarChartRejectsBadInput) {
  EXPECT_EQ(RenderBarChartPng("t", {}).status().code(), ErrorCode::kValidation);
  EXPECT_EQ(RenderBarChartPng("t", {{"x", -1}}).status().code(),
            ErrorCode::kValidation);
}

TEST(ImportancePlotTest, ShapSummaryRendersOneRowPerFeature) {
  std::vector<float> shap, values;
  for (int r = 0; r < 100; ++r) {
    const float v = r / 100.0f;
    shap.insert(shap.end(), {v - 0.5f, 0.1f * (v - 0.5f)});
    values.insert(values.end(), {v, 1 - v});
  }
  auto png =
      RenderShapSummaryPng("SHAP summary", {"rsi_14", "obv"}, shap, values);
  ASSERT_TRUE(png.ok()) << png.status().ToString();
  MaybeKeep("shap-summary.png", *png);
  cairo_surface_t* s = Decode(*png);
  ASSERT_EQ(cairo_surface_status(s), CAIRO_STATUS_SUCCESS);
  EXPECT_EQ(cairo_image_surface_get_height(s), 70 + 2 * 34 + 50 + 20);
  cairo_surface_destroy(s);
  EXPECT_FALSE(RenderShapSummaryPng("t", {"a"}, {1, 2}, {1}).ok());
}

}  // namespace
}  // namespace trainyard::ml
