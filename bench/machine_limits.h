// The machine's own limits, to put kernel throughputs in proportion: memory bandwidth from a
// STREAM-like triad a[i] = b[i] + s * c[i] (24 bytes per element: 2 reads + 1 write, STREAM's
// count, no write-allocate), and the FLOP rate of independent 4-wide double FMA chains on
// registers (2 FLOPs per FMA per lane, no memory traffic).
#pragma once

#include <cstddef>

namespace ptclean::bench {

/// One triad pass over n elements with `threads` OpenMP threads (static schedule).
void triadPass(double* a, const double* b, const double* c, std::size_t n, double s, int threads);

/// One thread's FMA work: kFmaFlopsPerCall FLOPs; returns a value to keep it from being elided.
double fmaChains(double seed);
inline constexpr double kFmaFlopsPerCall = double(1L << 20) * 12 * 4 * 2;

struct MachineLimits {
  double triad_gbps = 0;   ///< 1e9 bytes per second
  double fma_gflops = 0;
};

/// The best of a few short passes (~0.5 s in all) with `threads` threads.
MachineLimits measureMachineLimits(int threads);

}  // namespace ptclean::bench
