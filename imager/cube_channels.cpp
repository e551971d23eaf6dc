#include "cube_channels.h"

#include <algorithm>
#include <cctype>
#include <cmath>

namespace ptclean::imager {

namespace {

constexpr double kSpeedOfLight = 299792458.0;

bool isChannelNumber(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

bool isVelocity(const std::string& text) {
  return text.size() > 3 && text.compare(text.size() - 3, 3, "m/s") == 0;
}

/// "5km/s", "-20.5km/s", "300m/s" to m/s.
double parseVelocity(const std::string& text, const std::string& key) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    throw ConfigError("key '" + key + "': '" + text + "' is not a velocity such as '5km/s'");
  }
  const std::string unit = text.substr(used);
  if (unit == "km/s") return value * 1e3;
  if (unit == "m/s") return value;
  throw ConfigError("key '" + key + "': unit '" + unit + "' must be km/s or m/s");
}

double frequencyOfVelocity(double v, const CubeSettings& cube) {
  return cube.veltype == "radio" ? cube.restfreq_hz * (1.0 - v / kSpeedOfLight)
                                 : cube.restfreq_hz / (1.0 + v / kSpeedOfLight);
}

}  // namespace

long CubeAxis::channelOf(double freq_hz) const {
  const double k = std::round((freq_hz - first_hz) / width_hz);
  return (k >= 0.0 && k < double(nchan)) ? long(k) : -1;
}

CubeAxis defineCubeAxis(const CubeSettings& cube, std::vector<double> data_freq_hz, double data_width_hz) {
  if (data_freq_hz.empty()) throw ConfigError("specmode 'cube': the selection has no channels");
  std::sort(data_freq_hz.begin(), data_freq_hz.end());
  const bool needs_rest = isVelocity(cube.start) || isVelocity(cube.width);
  if (needs_rest && !(cube.restfreq_hz > 0.0))
    throw ConfigError("key 'restfreq': needed for velocities in 'start' or 'width'");

  CubeAxis axis;
  double channels_per_output = 1.0;
  if (cube.width.empty()) {
    axis.width_hz = data_width_hz;
  } else if (isChannelNumber(cube.width)) {
    channels_per_output = std::stod(cube.width);
    if (channels_per_output < 1) throw ConfigError("key 'width': a channel count must be at least 1");
    axis.width_hz = channels_per_output * data_width_hz;
  } else if (isVelocity(cube.width)) {
    // Velocity grows as frequency falls (both definitions), so a positive velocity width gives
    // channels of falling frequency.
    const double dv = parseVelocity(cube.width, "width");
    axis.width_hz = frequencyOfVelocity(dv, cube) - frequencyOfVelocity(0.0, cube);
  } else {
    axis.width_hz = parseFrequency(cube.width, "key 'width'");
  }
  if (!(std::abs(axis.width_hz) > 0.0)) throw ConfigError("key 'width': the channel width is zero");

  const double low = data_freq_hz.front(), high = data_freq_hz.back();
  if (cube.start.empty()) {
    // The data's first channel: the lowest frequency for rising channels, the highest for falling.
    const double first_data = axis.width_hz > 0 ? low : high;
    axis.first_hz = first_data + 0.5 * (channels_per_output - 1.0) * (axis.width_hz > 0 ? data_width_hz : -data_width_hz);
  } else if (isChannelNumber(cube.start)) {
    const std::size_t c = std::size_t(std::stoul(cube.start));
    if (c >= data_freq_hz.size())
      throw ConfigError("key 'start': channel " + cube.start + " is beyond the " + std::to_string(data_freq_hz.size()) +
                        " selected channels");
    const double first_data = axis.width_hz > 0 ? data_freq_hz[c] : data_freq_hz[data_freq_hz.size() - 1 - c];
    axis.first_hz = first_data + 0.5 * (channels_per_output - 1.0) * (axis.width_hz > 0 ? data_width_hz : -data_width_hz);
  } else if (isVelocity(cube.start)) {
    axis.first_hz = frequencyOfVelocity(parseVelocity(cube.start, "start"), cube);
  } else {
    axis.first_hz = parseFrequency(cube.start, "key 'start'");
  }

  if (cube.nchan > 0) {
    axis.nchan = std::size_t(cube.nchan);
  } else {
    // As many channels as reach the data: from the first centre to the far end of the data.
    const double far = axis.width_hz > 0 ? high + 0.5 * data_width_hz : low - 0.5 * data_width_hz;
    const double span = (far - (axis.first_hz - 0.5 * axis.width_hz)) / axis.width_hz;
    axis.nchan = std::size_t(std::max(0.0, std::floor(span + 1e-9)));
  }
  if (axis.nchan == 0) throw ConfigError("keys 'start'/'width': no output channel reaches the selected data");
  return axis;
}

}  // namespace ptclean::imager
