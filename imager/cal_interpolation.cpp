#include "cal_interpolation.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <sstream>
#include <stdexcept>

namespace ptclean::imager {
namespace {

using Complex = std::complex<float>;

Interpolation interpolationNamed(const std::string& name, const std::string& what) {
  if (name == "nearest") return {true, false};
  if (name == "linear") return {false, false};
  if (name == "nearestflag") return {true, true};
  if (name == "linearflag") return {false, true};
  throw std::runtime_error(what + ": '" + name + "' must be nearest, linear, nearestflag or linearflag");
}

/// Amplitude and phase interpolated separately, as CASA's 'linear' does for complex gains.
Complex between(Complex a, Complex b, double t, bool complex_gain) {
  if (!complex_gain) return Complex(float(a.real() + t * (b.real() - a.real())), 0.0f);
  const double amp = std::abs(a) + t * (std::abs(b) - std::abs(a));
  double step = std::arg(b) - std::arg(a);
  step -= 2.0 * std::numbers::pi * std::round(step / (2.0 * std::numbers::pi));
  return Complex(std::polar(amp, double(std::arg(a)) + t * step));
}

double angularDistance(double ra1, double dec1, double ra2, double dec2) {
  const double c = std::sin(dec1) * std::sin(dec2) + std::cos(dec1) * std::cos(dec2) * std::cos(ra1 - ra2);
  return std::acos(std::clamp(c, -1.0, 1.0));
}

}  // namespace

void parseInterp(const std::string& text, const std::string& what, Interpolation& time, Interpolation& freq) {
  std::string clean;
  for (char c : text)
    if (c != ' ') clean += char(std::tolower(static_cast<unsigned char>(c)));
  const auto comma = clean.find(',');
  time = interpolationNamed(clean.empty() ? "linear" : clean.substr(0, comma), what);
  freq = comma == std::string::npos ? Interpolation{false, false} : interpolationNamed(clean.substr(comma + 1), what);
}

JonesInterpolator::JonesInterpolator(const CalApplication& application, const std::vector<DataField>& fields)
    : app_(application), fields_(fields) {
  const auto& solutions = app_.table.solutions;
  for (std::size_t i = 0; i < solutions.size(); ++i) by_spw_antenna_[{solutions[i].spw, solutions[i].antenna}].push_back(i);
  for (auto& [key, list] : by_spw_antenna_)
    std::stable_sort(list.begin(), list.end(), [&](std::size_t a, std::size_t b) { return solutions[a].time < solutions[b].time; });
  if (!fields_.empty()) allowedFields(0);  // a gainfield naming no field fails here, before any data change
}

int JonesInterpolator::calSpw(int spw) const {
  if (app_.spwmap.empty()) return spw;
  if (spw < 0 || std::size_t(spw) >= app_.spwmap.size())
    throw std::runtime_error("spwmap for caltable '" + app_.table.path + "' has " + std::to_string(app_.spwmap.size()) +
                             " entries: data spw " + std::to_string(spw) + " needs one (spwmap[" + std::to_string(spw) + "])");
  return app_.spwmap[std::size_t(spw)];
}

const std::vector<char>& JonesInterpolator::allowedFields(int data_field) const {
  if (auto found = allowed_.find(data_field); found != allowed_.end()) return found->second;
  const auto& cal_fields = app_.table.fields;
  std::vector<char> allowed(cal_fields.size(), 0);
  const std::string& choice = app_.gainfield;
  if (choice.empty()) {
    std::fill(allowed.begin(), allowed.end(), 1);
  } else if (choice == "nearest") {
    // Among the fields that have solutions, the one nearest the data field on the sky.
    std::vector<char> solved(cal_fields.size(), 0);
    for (const auto& s : app_.table.solutions)
      if (s.field >= 0 && std::size_t(s.field) < solved.size()) solved[std::size_t(s.field)] = 1;
    double best = 1e9;
    std::size_t nearest = cal_fields.size();
    const bool known = data_field >= 0 && std::size_t(data_field) < fields_.size();
    for (std::size_t f = 0; f < cal_fields.size() && known; ++f) {
      const double d = angularDistance(cal_fields[f].ra, cal_fields[f].dec, fields_[std::size_t(data_field)].ra,
                                       fields_[std::size_t(data_field)].dec);
      if (solved[f] && d < best) best = d, nearest = f;
    }
    if (nearest < allowed.size()) allowed[nearest] = 1;
  } else {
    std::stringstream list(choice);
    for (std::string item; std::getline(list, item, ',');) {
      item.erase(0, item.find_first_not_of(' '));
      item.erase(item.find_last_not_of(' ') + 1);
      bool matched = false;
      for (std::size_t f = 0; f < cal_fields.size(); ++f)
        if (cal_fields[f].name == item || std::to_string(f) == item) allowed[f] = 1, matched = true;
      if (!matched)
        throw std::runtime_error("gainfield '" + item + "' names no field of caltable '" + app_.table.path + "'");
    }
  }
  return allowed_[data_field] = std::move(allowed);
}

void JonesInterpolator::interpolateTime(const std::vector<std::size_t>& candidates, double time,
                                        std::vector<Complex>& value, std::vector<char>& flag) const {
  const auto& solutions = app_.table.solutions;
  const std::size_t cell = solutions[candidates.front()].values.size();
  const bool complex_gain = app_.table.type != JonesType::K;
  value.assign(cell, Complex(0.0f));
  flag.assign(cell, 1);
  for (std::size_t e = 0; e < cell; ++e) {
    // The nearest solutions before and after `time`: unflagged ones unless flags follow.
    const std::size_t none = candidates.size();
    std::size_t before = none, after = none;
    for (std::size_t k = 0; k < candidates.size(); ++k) {
      const CalSolution& s = solutions[candidates[k]];
      if (!app_.time.flags_follow && s.flags[e]) continue;
      if (s.time <= time) before = k;
      if (s.time >= time && after == none) after = k;
    }
    if (before == none && after == none) continue;
    const CalSolution* a = before == none ? nullptr : &solutions[candidates[before]];
    const CalSolution* b = after == none ? nullptr : &solutions[candidates[after]];
    if (!a || !b || a == b) {
      const CalSolution& only = a ? (b && std::abs(b->time - time) < std::abs(a->time - time) ? *b : *a) : *b;
      value[e] = only.values[e];
      flag[e] = only.flags[e];
    } else if (app_.time.nearest) {
      const CalSolution& near = (time - a->time) <= (b->time - time) ? *a : *b;
      value[e] = near.values[e];
      flag[e] = near.flags[e];
    } else {
      const double t = (time - a->time) / (b->time - a->time);
      value[e] = between(a->values[e], b->values[e], t, complex_gain);
      flag[e] = (t < 1.0 && a->flags[e]) || (t > 0.0 && b->flags[e]);
    }
  }
}

AntennaJones JonesInterpolator::at(double time, int antenna, int spw, int field, const std::vector<double>& chan_freq_hz) const {
  const int cal_spw = calSpw(spw);
  const CalTable& table = app_.table;
  AntennaJones out;
  out.receptors = table.receptors;
  const std::size_t nchan = chan_freq_hz.size(), nrec = std::size_t(table.receptors);
  out.gain.assign(nchan * nrec, Complex(1.0f));
  out.flag.assign(nchan * nrec, 1);
  const auto found = by_spw_antenna_.find({cal_spw, antenna});
  if (found == by_spw_antenna_.end()) return out;
  const std::vector<char>& allowed = allowedFields(field);
  std::vector<std::size_t> candidates;
  for (std::size_t i : found->second) {
    // A solution without a field (gencal's, FIELD_ID -1) holds for every field.
    const int f = table.solutions[i].field;
    if (f < 0 || (std::size_t(f) < allowed.size() && allowed[std::size_t(f)])) candidates.push_back(i);
  }
  if (candidates.empty()) return out;
  std::vector<Complex> value;
  std::vector<char> flag;
  interpolateTime(candidates, time, value, flag);
  const CalSpw& cal = table.spws[std::size_t(cal_spw)];
  if (table.type == JonesType::K) {
    // CASA (5.3 on) takes delays relative to the caltable spw's middle channel.
    const double ref = cal.chan_freq_hz.empty() ? cal.ref_freq_hz : cal.chan_freq_hz[cal.chan_freq_hz.size() / 2];
    for (std::size_t c = 0; c < nchan; ++c)
      for (std::size_t r = 0; r < nrec; ++r) {
        const double phase = 2.0 * std::numbers::pi * value[r].real() * 1e-9 * (chan_freq_hz[c] - ref);
        out.gain[c * nrec + r] = Complex(float(std::cos(phase)), float(std::sin(phase)));
        out.flag[c * nrec + r] = flag[r];
      }
    return out;
  }
  const std::size_t cal_chans = value.size() / nrec;
  if (cal_chans == 1) {
    for (std::size_t c = 0; c < nchan; ++c)
      for (std::size_t r = 0; r < nrec; ++r) out.gain[c * nrec + r] = value[r], out.flag[c * nrec + r] = flag[r];
    return out;
  }
  if (cal.chan_freq_hz.size() != cal_chans)
    throw std::runtime_error("caltable '" + table.path + "': spw " + std::to_string(cal_spw) + " has " +
                             std::to_string(cal.chan_freq_hz.size()) + " channel frequencies for " +
                             std::to_string(cal_chans) + " solution channels");
  const bool ascending = cal.chan_freq_hz.back() >= cal.chan_freq_hz.front();
  for (std::size_t r = 0; r < nrec; ++r) {
    // The table channels usable for this receptor, in ascending frequency.
    std::vector<std::size_t> usable;
    for (std::size_t k = 0; k < cal_chans; ++k) {
      const std::size_t ch = ascending ? k : cal_chans - 1 - k;
      if (app_.freq.flags_follow || !flag[ch * nrec + r]) usable.push_back(ch);
    }
    if (usable.empty()) continue;
    for (std::size_t c = 0; c < nchan; ++c) {
      const double f = chan_freq_hz[c];
      auto upper = std::lower_bound(usable.begin(), usable.end(), f,
                                    [&](std::size_t ch, double x) { return cal.chan_freq_hz[ch] < x; });
      std::size_t lo, hi;
      if (upper == usable.begin()) lo = hi = usable.front();
      else if (upper == usable.end()) lo = hi = usable.back();
      else hi = *upper, lo = *(upper - 1);
      const double flo = cal.chan_freq_hz[lo], fhi = cal.chan_freq_hz[hi];
      const double t = hi == lo || fhi == flo ? 0.0 : (f - flo) / (fhi - flo);
      const std::size_t a = lo * nrec + r, b = hi * nrec + r;
      Complex g;
      char bad;
      if (app_.freq.nearest || hi == lo) {
        const std::size_t pick = t <= 0.5 ? a : b;
        g = value[pick], bad = flag[pick];
      } else {
        g = between(value[a], value[b], t, true);
        bad = (t < 1.0 && flag[a]) || (t > 0.0 && flag[b]);
      }
      out.gain[c * nrec + r] = g;
      out.flag[c * nrec + r] = bad;
    }
  }
  return out;
}

}  // namespace ptclean::imager
