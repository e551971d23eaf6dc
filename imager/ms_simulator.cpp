#include "ms_simulator.h"

#include <casacore/casa/Arrays/Cube.h>
#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Slicer.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/ms/MeasurementSets/MSMainColumns.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <complex>
#include <iostream>

#include "array_layout.h"
#include "primary_beam.h"
#include "ms_skeleton.h"
#include "sim_timeline.h"

namespace ptclean::imager {
namespace {

// Files that include casacore are compiled as C++17 (see CMakeLists.txt), so no <numbers>.
constexpr double kPi = 3.14159265358979323846;

// Counter-based random numbers: each sample's noise depends only on (seed, row, sample), so the
// output is the same for any thread count and block size.
std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

std::complex<double> complexGaussian(std::uint64_t row_key, std::uint64_t sample) {
  const double u1 = (static_cast<double>(splitmix64(row_key + 2 * sample) >> 11) + 0.5) * 0x1p-53;
  const double u2 =
      (static_cast<double>(splitmix64(row_key + 2 * sample + 1) >> 11) + 0.5) * 0x1p-53;
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double t = 2.0 * kPi * u2;
  return {r * std::cos(t), r * std::sin(t)};
}

ArrayLayout buildLayout(const SimulationSettings& s) {
  ArrayLayout layout = loadArrayLayout(s.array);
  if (s.antennas > 0) layout = resizeLayout(layout, s.antennas);
  if (s.max_baseline_m > 0) {
    const double longest = maxBaseline(layout);
    if (!(longest > 0))
      throw ConfigError("max_baseline: the layout's antennas all sit on one spot");
    scaleLayout(layout, s.max_baseline_m / longest);
  } else {
    scaleLayout(layout, s.array_scale);
  }
  if (!s.telescope.empty()) layout.telescope = s.telescope;
  return layout;
}

std::vector<std::vector<double>> channelFrequencies(const SimulationSettings& s) {
  const double separation =
      s.spw_separation_hz.value_or(static_cast<double>(s.nchan) * s.chanwidth_hz);
  std::vector<std::vector<double>> freqs(s.nspw, std::vector<double>(s.nchan));
  for (std::size_t spw = 0; spw < s.nspw; ++spw) {
    for (std::size_t ch = 0; ch < s.nchan; ++ch) {
      freqs[spw][ch] = s.freq_hz + static_cast<double>(spw) * separation +
                       static_cast<double>(ch) * s.chanwidth_hz;
    }
  }
  return freqs;
}

// Indices of the parallel hands (RR/LL or XX/YY) in the correlation order of correlationTypes.
std::vector<bool> parallelHands(int ncorr) {
  if (ncorr == 4) return {true, false, false, true};
  return std::vector<bool>(static_cast<std::size_t>(ncorr), true);
}

casacore::Slicer rowRange(std::size_t first, std::size_t count) {
  return casacore::Slicer(casacore::IPosition(1, static_cast<ssize_t>(first)),
                          casacore::IPosition(1, static_cast<ssize_t>(count)));
}

}  // namespace

SimulationSummary simulateMs(const SimulationSettings& s, const std::string& ms_path, int threads) {
  s.validate();
  if (threads <= 0) threads = omp_get_max_threads();
  const ArrayLayout layout = buildLayout(s);
  const std::vector<Vec3> itrf = itrfPositions(layout);
  const std::size_t nant = layout.antennas.size();
  std::vector<std::pair<int, int>> baselines;
  for (std::size_t p = 0; p < nant; ++p) {
    for (std::size_t q = s.autocorrelations ? p : p + 1; q < nant; ++q) {
      baselines.emplace_back(static_cast<int>(p), static_cast<int>(q));
    }
  }
  if (baselines.empty()) throw ConfigError("antennas: one antenna gives no baselines");

  std::vector<Direction> fields{s.phase_centre};
  fields.insert(fields.end(), s.extra_fields.begin(), s.extra_fields.end());
  const std::vector<TimeStep> steps = simulationTimeline(s, layout, fields);
  const auto freqs = channelFrequencies(s);

  MsSkeleton sk;
  sk.telescope = layout.telescope;
  sk.antennas = layout.antennas;
  sk.antenna_itrf = itrf;
  sk.chan_freqs_hz = freqs;
  sk.chanwidth_hz = s.chanwidth_hz;
  sk.linear_feeds = s.feeds == FeedType::Linear;
  sk.corr_types = correlationTypes(s.ncorr, sk.linear_feeds);
  sk.fields = fields;
  sk.field_names = s.field_names;
  sk.start_mjd_s = steps.front().time_mjd_s - 0.5 * s.integration_s;
  sk.end_mjd_s = steps.back().time_mjd_s + 0.5 * s.integration_s;
  sk.weight_spectrum = s.weight_spectrum;

  const std::size_t nbl = baselines.size(), nspw = s.nspw, nchan = s.nchan;
  const std::size_t ncorr = static_cast<std::size_t>(s.ncorr);
  const std::size_t rows_per_step = nbl * nspw;
  const std::size_t nrows = rows_per_step * steps.size();
  casacore::MeasurementSet ms = createMsSkeleton(ms_path, sk, nrows);
  casacore::MSMainColumns cols(ms);

  std::vector<FieldSky> skies;
  for (const auto& f : fields) skies.push_back(prepareSky(s.sources, f));
  // fluxes[field][spw][source * nchan + channel]: attenuated by the primary beam of the field's
  // pointing when asked.
  std::vector<std::vector<std::vector<double>>> fluxes(fields.size());
  std::optional<PrimaryBeamModel> beam;
  if (!s.primary_beam.empty()) {
    std::vector<double> dishes;
    for (const auto& a : layout.antennas) dishes.push_back(a.dish_diameter_m);
    std::nth_element(dishes.begin(), dishes.begin() + std::ptrdiff_t(dishes.size() / 2), dishes.end());
    beam = primaryBeamModel(s.primary_beam, layout.telescope, dishes[dishes.size() / 2]);
  }
  for (std::size_t f = 0; f < fields.size(); ++f)
    for (const auto& spw_freqs : freqs) {
      std::vector<double> spw_fluxes = channelFluxes(s.sources, spw_freqs);
      if (beam)
        for (std::size_t k = 0; k < s.sources.size(); ++k) {
          const auto& c = skies[f].components[k];
          const double sin_theta = std::sqrt(c.l * c.l + c.m * c.m);
          for (std::size_t ch = 0; ch < spw_freqs.size(); ++ch)
            spw_fluxes[k * spw_freqs.size() + ch] *= beam->power(sin_theta, spw_freqs[ch]);
        }
      fluxes[f].push_back(std::move(spw_fluxes));
    }
  const std::vector<bool> parallel = parallelHands(s.ncorr);
  const float sigma = s.noise_jy > 0 ? static_cast<float>(s.noise_jy) : 1.0f;
  const float weight = 1.0f / (sigma * sigma);
  const std::uint64_t seed_key = splitmix64(s.seed);

  // Blocks of whole time steps holding ~4 M samples (32 MB of DATA) each.
  const std::size_t step_samples = rows_per_step * nchan * ncorr;
  const std::size_t steps_per_block =
      std::max<std::size_t>(1, (std::size_t{4} << 20) / step_samples);
  for (std::size_t b0 = 0; b0 < steps.size(); b0 += steps_per_block) {
    const std::size_t nsteps = std::min(steps_per_block, steps.size() - b0);
    const std::size_t row0 = b0 * rows_per_step, nrow = nsteps * rows_per_step;
    std::vector<std::vector<Vec3>> ant_uvw(nsteps);
    for (std::size_t t = 0; t < nsteps; ++t) {
      const TimeStep& step = steps[b0 + t];
      ant_uvw[t] = antennaUvw(itrf, gmstRad(step.time_mjd_s), fields[step.field]);
    }
    casacore::Vector<int> ant1(nrow), ant2(nrow), ddid(nrow), field(nrow), scan(nrow);
    casacore::Vector<double> time(nrow);
    casacore::Matrix<double> uvw(3, nrow);
    casacore::Cube<casacore::Complex> data(ncorr, nchan, nrow);
    double* uvw_out = uvw.data();
    casacore::Complex* data_out = data.data();

#pragma omp parallel num_threads(threads)
    {
      std::vector<std::complex<double>> vis(nchan);
#pragma omp for schedule(static)
      for (std::size_t r = 0; r < nrow; ++r) {
        const std::size_t t = r / rows_per_step, spw = (r / nbl) % nspw, bl = r % nbl;
        const TimeStep& step = steps[b0 + t];
        const auto [p, q] = baselines[bl];
        ant1[r] = p;
        ant2[r] = q;
        ddid[r] = static_cast<int>(spw);
        field[r] = static_cast<int>(step.field);
        scan[r] = static_cast<int>(step.scan + 1);
        time[r] = step.time_mjd_s;
        double* b_uvw = uvw_out + 3 * r;
        for (int k = 0; k < 3; ++k) b_uvw[k] = ant_uvw[t][q][k] - ant_uvw[t][p][k];  // ant2 - ant1
        std::fill(vis.begin(), vis.end(), std::complex<double>(0.0, 0.0));
        addVisibilities(skies[step.field], fluxes[step.field][spw], b_uvw, freqs[spw], vis.data());
        const std::uint64_t row_key = splitmix64(seed_key ^ (row0 + r));
        casacore::Complex* out = data_out + r * nchan * ncorr;
        for (std::size_t ch = 0; ch < nchan; ++ch) {
          for (std::size_t c = 0; c < ncorr; ++c) {
            std::complex<double> v = parallel[c] ? vis[ch] : 0.0;
            if (s.noise_jy > 0) v += s.noise_jy * complexGaussian(row_key, ch * ncorr + c);
            out[ch * ncorr + c] =
                casacore::Complex(static_cast<float>(v.real()), static_cast<float>(v.imag()));
          }
        }
      }
    }

    const casacore::Slicer rows = rowRange(row0, nrow);
    cols.antenna1().putColumnRange(rows, ant1);
    cols.antenna2().putColumnRange(rows, ant2);
    cols.dataDescId().putColumnRange(rows, ddid);
    cols.fieldId().putColumnRange(rows, field);
    cols.scanNumber().putColumnRange(rows, scan);
    cols.time().putColumnRange(rows, time);
    cols.timeCentroid().putColumnRange(rows, time);
    const casacore::Vector<double> interval(nrow, s.integration_s);
    cols.interval().putColumnRange(rows, interval);
    cols.exposure().putColumnRange(rows, interval);
    const casacore::Vector<int> zero(nrow, 0);
    for (auto* c : {&cols.arrayId(), &cols.observationId(), &cols.processorId(), &cols.stateId(),
                    &cols.feed1(), &cols.feed2()}) {
      c->putColumnRange(rows, zero);
    }
    cols.flagRow().putColumnRange(rows, casacore::Vector<bool>(nrow, false));
    cols.uvw().putColumnRange(rows, uvw);
    cols.data().putColumnRange(rows, data);
    cols.flag().putColumnRange(rows, casacore::Cube<bool>(ncorr, nchan, nrow, false));
    cols.weight().putColumnRange(rows, casacore::Matrix<float>(ncorr, nrow, weight));
    cols.sigma().putColumnRange(rows, casacore::Matrix<float>(ncorr, nrow, sigma));
    if (s.weight_spectrum) {
      cols.weightSpectrum().putColumnRange(rows, casacore::Cube<float>(ncorr, nchan, nrow, weight));
    }
  }
  ms.flush();

  SimulationSummary summary;
  summary.antennas = nant;
  summary.baselines = nbl;
  summary.rows = nrows;
  summary.spws = nspw;
  summary.channels = nchan;
  summary.correlations = ncorr;
  summary.visibilities = nrows * nchan * ncorr;
  summary.max_baseline_m = maxBaseline(layout);
  return summary;
}

}  // namespace ptclean::imager
