// Seconds between laps, for the phase timings that the gridder and the imager log.
//   Stopwatch watch;  ...;  double seconds = watch.lap();
#pragma once

#include <chrono>

namespace ptclean::gridding {

class Stopwatch {
 public:
  double lap() {
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - last_).count();
    last_ = now;
    return seconds;
  }

 private:
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace ptclean::gridding
