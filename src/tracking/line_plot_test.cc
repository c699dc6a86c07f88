#include "tracking/line_plot.h"

#include <cairo.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "core/test_support.h"
#include "tracking/csv_logger.h"

namespace trainyard::tracking {
namespace {

namespace fs = std::filesystem;

class LinePlotTest : public ::testing::Test {
 protected:
  void SetUp() override { path_ = tmp_.Sub("plot.png"); }
  testing::TempDir tmp_;
  std::string path_;
};

// Pixels of the image at `path` in the colour of series `index`.
int CountSeriesPixels(const std::string& path, int index) {
  cairo_surface_t* image = cairo_image_surface_create_from_png(path.c_str());
  if (cairo_surface_status(image) != CAIRO_STATUS_SUCCESS) return -1;
  int r0, g0, b0;
  SeriesColor(index, &r0, &g0, &b0);
  const int w = cairo_image_surface_get_width(image);
  const int h = cairo_image_surface_get_height(image);
  const int stride = cairo_image_surface_get_stride(image);
  const unsigned char* data = cairo_image_surface_get_data(image);
  int count = 0;
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      const uint32_t px =
          *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x);
      count += ((px >> 16) & 0xFF) == static_cast<uint32_t>(r0) &&
               ((px >> 8) & 0xFF) == static_cast<uint32_t>(g0) &&
               (px & 0xFF) == static_cast<uint32_t>(b0);
    }
  }
  cairo_surface_destroy(image);
  return count;
}

struct Centroid {
  double sum_row = 0;
  int count = 0;
};

TEST_F(LinePlotTest, RendersSeriesInTheirColoursWithRisingLineRising) {
  Series rising{"rising", {}, {}}, flat{"flat", {}, {}};
  for (int i = 0; i <= 100; ++i) {
    rising.x.push_back(i * 1000);
    rising.y.push_back(i * 5.0);
    flat.x.push_back(i * 1000);
    flat.y.push_back(250.0);
  }
  PlotOptions options;
  options.title = "CartPole-v1";
  options.x_label = "steps";
  options.y_label = "episode return";
  ASSERT_TRUE(RenderLinePlotPng({rising, flat}, options, path_).ok());

  cairo_surface_t* image = cairo_image_surface_create_from_png(path_.c_str());
  ASSERT_EQ(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
  ASSERT_EQ(cairo_image_surface_get_width(image), 900);
  ASSERT_EQ(cairo_image_surface_get_height(image), 540);
  const int stride = cairo_image_surface_get_stride(image);
  const unsigned char* data = cairo_image_surface_get_data(image);
  int r0, g0, b0, r1, g1, b1;
  SeriesColor(0, &r0, &g0, &b0);
  SeriesColor(1, &r1, &g1, &b1);
  // Pixels of the first colour: centroid row in the left and right thirds
  // of the image (the legend sits top-left, so skip its rows).
  Centroid left, right;
  int flat_pixels = 0;
  for (int y = 120; y < 540; ++y) {
    for (int x = 0; x < 900; ++x) {
      const uint32_t px =
          *reinterpret_cast<const uint32_t*>(data + y * stride + 4 * x);
      const int r = (px >> 16) & 0xFF, g = (px >> 8) & 0xFF, b = px & 0xFF;
      if (r == r0 && g == g0 && b == b0 && (x < 300 || x >= 600)) {
        Centroid& c = x < 300 ? left : right;
        c.sum_row += y;
        ++c.count;
      }
      if (r == r1 && g == g1 && b == b1) ++flat_pixels;
    }
  }
  cairo_surface_destroy(image);
  ASSERT_GT(left.count, 50);
  ASSERT_GT(right.count, 50);
  // Image rows grow downwards: the rising line is higher (smaller row) on
  // the right.
  EXPECT_LT(right.sum_row / right.count, left.sum_row / left.count);
  EXPECT_GT(flat_pixels, 300);
}

TEST_F(LinePlotTest, RejectsInvalidInput) {
  PlotOptions options;
  EXPECT_EQ(RenderLinePlotPng({}, options, path_).code(),
            ErrorCode::kValidation);
  Series bad{"bad", {1, 2}, {1}};
  EXPECT_EQ(RenderLinePlotPng({bad}, options, path_).code(),
            ErrorCode::kValidation);
  Series empty{"empty", {}, {}};
  EXPECT_EQ(RenderLinePlotPng({empty}, options, path_).code(),
            ErrorCode::kValidation);
  EXPECT_FALSE(fs::exists(path_));
}

TEST_F(LinePlotTest, SinglePointAndConstantSeriesStillRender) {
  Series one{"one", {5}, {7}};
  ASSERT_TRUE(RenderLinePlotPng({one}, PlotOptions{}, path_).ok());
  EXPECT_GT(fs::file_size(path_), 100u);
}

TEST_F(LinePlotTest, UnwritablePathIsAnIoError) {
  Series s{"s", {0, 1}, {0, 1}};
  EXPECT_EQ(
      RenderLinePlotPng({s}, PlotOptions{}, "/dev/null/x.png").code(),
      ErrorCode::kIo);
}

TEST_F(LinePlotTest, PlotsSparseCsvColumnsAgainstStep) {
  const std::string csv = path_ + ".csv";
  {
    Result<CsvLogger> log = CsvLogger::Open(csv);
    ASSERT_TRUE(log.ok());
    for (int i = 1; i <= 20; ++i) {
      CsvLogger::Row row = {{"step", i * 100.0}, {"loss", 1.0 / i}};
      if (i % 4 == 0) row.push_back({"episode_return", i * 10.0});
      ASSERT_TRUE(log->Log(row).ok());
    }
  }
  PlotOptions options;
  EXPECT_TRUE(RenderCsvColumnsPng(csv, "step", {"episode_return", "loss"},
                                  options, path_)
                  .ok());
  // Five sparse returns spanning the x range still form a line: far more
  // pixels than five dots and the legend swatch.
  EXPECT_GT(CountSeriesPixels(path_, 0), 500);
  EXPECT_GT(CountSeriesPixels(path_, 1), 500);
  EXPECT_EQ(
      RenderCsvColumnsPng(csv, "step", {"missing"}, options, path_).code(),
      ErrorCode::kNotFound);
  fs::remove(csv);
}

}  // namespace
}  // namespace trainyard::tracking
