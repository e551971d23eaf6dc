// A tiny RGB rasteriser for the sweep figure and the batch weblog: rectangles, lines, a built-in
// 5x7 bitmap font, and a PNG writer (zlib deflate when built with zlib, stored deflate blocks
// otherwise). Its own library (ptclean_canvas), so that bench/ can draw without casacore or MPI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ptclean::imager {

struct Rgb {
  std::uint8_t r = 0, g = 0, b = 0;
};

class Canvas {
 public:
  Canvas(int width, int height, Rgb background = {255, 255, 255});
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, Rgb c);
  /// Filled rectangle with corners (x0, y0) and (x1, y1), inclusive, in any order.
  void fillRect(int x0, int y0, int x1, int y1, Rgb c);
  /// A line `thickness` pixels wide (a square brush moved along Bresenham's line).
  void line(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1);
  /// Text in the built-in 5x7 font, each font pixel `scale` x `scale`; (x, y) is the top left.
  /// Lower-case letters are drawn as capitals (except 'x'); unknown characters as blanks.
  void text(int x, int y, const std::string& s, Rgb c, int scale = 1);
  /// Width in pixels of `s` at `scale` (6 font columns per character, the last one blank).
  static int textWidth(const std::string& s, int scale = 1) { return int(s.size()) * 6 * scale; }
  /// Writes an 8-bit RGB PNG; throws std::runtime_error on failure.
  void writePng(const std::string& path) const;

  const std::vector<std::uint8_t>& pixels() const { return pixels_; }

 private:
  int width_, height_;
  std::vector<std::uint8_t> pixels_;  ///< row-major RGB
};

/// zlib stream of `data` (RFC 1950): compressed with zlib when available, else stored blocks.
std::vector<std::uint8_t> zlibStream(const std::vector<std::uint8_t>& data);

}  // namespace ptclean::imager
