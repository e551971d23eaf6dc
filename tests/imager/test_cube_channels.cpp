// The cube's output axis (imager/cube_channels.h): tclean's nchan, start and width as channel
// numbers, frequencies and velocities; and which output channel a data channel falls in.
#include <gtest/gtest.h>

#include <vector>

#include "config.h"
#include "cube_channels.h"

using ptclean::imager::CubeSettings;
using ptclean::imager::defineCubeAxis;

namespace {

std::vector<double> data() {  // 20 channels of 1 MHz from 1.4 GHz
  std::vector<double> f;
  for (int c = 0; c < 20; ++c) f.push_back(1.4e9 + 1e6 * c);
  return f;
}

}  // namespace

TEST(CubeChannels, DefaultsCoverTheData) {
  const auto axis = defineCubeAxis(CubeSettings{}, data(), 1e6);
  EXPECT_EQ(axis.nchan, 20u);
  EXPECT_DOUBLE_EQ(axis.centre(0), 1.4e9);
  EXPECT_DOUBLE_EQ(axis.width_hz, 1e6);
  EXPECT_EQ(axis.channelOf(1.4e9 + 7e6), 7);
  EXPECT_EQ(axis.channelOf(1.4e9 + 7.4e6), 7);  // nearest
  EXPECT_EQ(axis.channelOf(1.4e9 - 1e6), -1);
  EXPECT_EQ(axis.channelOf(1.4e9 + 20e6), -1);
}

TEST(CubeChannels, ChannelNumbersFrequenciesAndVelocities) {
  CubeSettings c;
  c.start = "4";
  c.width = "2";  // two data channels per output channel: centred between them
  c.nchan = 3;
  auto axis = defineCubeAxis(c, data(), 1e6);
  EXPECT_EQ(axis.nchan, 3u);
  EXPECT_DOUBLE_EQ(axis.centre(0), 1.4045e9);
  EXPECT_DOUBLE_EQ(axis.width_hz, 2e6);

  c = CubeSettings{};
  c.start = "1.405GHz";
  c.width = "0.5MHz";
  axis = defineCubeAxis(c, data(), 1e6);
  EXPECT_DOUBLE_EQ(axis.centre(0), 1.405e9);
  EXPECT_EQ(axis.nchan, 29u);  // from 1.405 GHz to the top of the data (1.4195 GHz)

  // Velocities (radio): v = c (1 - f / f0); a positive velocity width runs down in frequency.
  c = CubeSettings{};
  c.restfreq_hz = 1.420405752e9;
  c.start = "0km/s";
  c.width = "10km/s";
  c.nchan = 4;
  axis = defineCubeAxis(c, data(), 1e6);
  EXPECT_DOUBLE_EQ(axis.centre(0), 1.420405752e9);
  EXPECT_NEAR(axis.width_hz, -1.420405752e9 * 1e4 / 299792458.0, 1e-3);

  c.restfreq_hz = 0;
  EXPECT_THROW(defineCubeAxis(c, data(), 1e6), ptclean::imager::ConfigError);  // velocities need restfreq
  c = CubeSettings{};
  c.start = "25";
  EXPECT_THROW(defineCubeAxis(c, data(), 1e6), ptclean::imager::ConfigError);  // beyond the data
  c = CubeSettings{};
  c.start = "2GHz";
  EXPECT_THROW(defineCubeAxis(c, data(), 1e6), ptclean::imager::ConfigError);  // reaches no data
}
