// ptclean_sweep: runs `ptclean image` under every MPI ranks x OpenMP threads mix that fills N
// cores, k times each, and writes sweep.csv, sweep.json, sweep.md and sweep.png (median phase
// split per mix as stacked bars, and parallel efficiency) into an output folder.
//
//   ptclean_sweep [config.toml] [--set key=value ...] [--cores N] [--runs k] [--out DIR]
//                 [--oversubscribe-mixes] [--wsclean] [--ptclean PATH] [--mpirun PATH]
//
// Every run is `OMP_NUM_THREADS=T /usr/bin/time -v mpirun --oversubscribe --bind-to none -n R
// ptclean -v image ... --set threads=T --timings run.json`; run.json's ranks and threads are
// checked against the mix. Phase times are the maximum over ranks of each phase in run.json, the
// wall time is run.json's "wall" (ptclean's own, from start to end of the image
// command; the mpirun start-up is in "elapsed"). Peak memory is GNU time's "Maximum resident set
// size": the peak RSS of the largest single process of the run (a rank or mpirun itself).
// The sample count is the sum over ranks of the "read N Stokes I samples" log lines (-v makes
// every rank log).
// The mixes: 1x1 (always, as the baseline), every R x T = N, and with --oversubscribe-mixes every
// R x T = 2N. Parallel efficiency of a mix R x T: E = t(1x1) / (min(R*T, N) * t(RxT)), with median walls,
// i.e. the speed-up over one rank with one thread divided by the cores the mix can use.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sweep_plot.h"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

struct Mix {
  int ranks = 1, threads = 1;
  bool wsclean = false;
  std::string name() const { return wsclean ? "wsclean" : std::to_string(ranks) + "x" + std::to_string(threads); }
};

struct Run {
  Mix mix;
  int run = 0;
  std::map<std::string, double> phases;  ///< max over ranks
  double wall = 0, elapsed = 0;
  double peak_mib = -1;
  long long samples = -1;
  double vis_per_s = 0;
};

std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& s, std::size_t n = 3000) { return s.size() > n ? s.substr(s.size() - n) : s; }

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

std::string fixed(double v, int digits = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", digits, v);
  return buffer;
}

std::string mmss(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02ld:%02ld", s / 60, s % 60);
  return buffer;
}

std::string utcNow() {
  std::time_t now = std::time(nullptr);
  char buffer[64];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return buffer;
}

std::string selfDir() {
  std::error_code ec;
  auto exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string(".") : exe.parent_path().string();
}

bool onPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream ss(path ? path : "");
  for (std::string dir; std::getline(ss, dir, ':');)
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  return false;
}

/// The config file's keys overlaid with the --set overrides (TOML values, or strings).
struct Settings {
  toml::table table;
  void overlay(const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos) return;
    const std::string key = assignment.substr(0, eq), value = assignment.substr(eq + 1);
    try {
      auto parsed = toml::parse("v = " + value);
      if (auto* node = parsed.get("v")) {
        table.insert_or_assign(key, *node);
        return;
      }
    } catch (const toml::parse_error&) {
    }
    table.insert_or_assign(key, value);
  }
  std::string str(const std::string& key, const std::string& fallback = "") const {
    if (auto v = table[key].value<std::string>()) return *v;
    if (auto v = table[key].value<double>()) {
      std::ostringstream ss;
      ss << *v;
      return ss.str();
    }
    return fallback;
  }
  std::vector<std::string> list(const std::string& key) const {
    std::vector<std::string> out;
    if (auto* arr = table[key].as_array()) {
      for (auto& item : *arr)
        if (auto v = item.value<std::string>()) out.push_back(*v);
    } else if (auto v = table[key].value<std::string>()) {
      out.push_back(*v);
    }
    return out;
  }
  std::vector<long> ints(const std::string& key) const {
    std::vector<long> out;
    if (auto* arr = table[key].as_array()) {
      for (auto& item : *arr)
        if (auto v = item.value<long>()) out.push_back(*v);
    } else if (auto v = table[key].value<long>()) {
      out.push_back(*v);
    }
    return out;
  }
};

/// WSClean's -scale from a tclean cell ("4arcsec" -> "4asec", "1arcmin" -> "1amin").
std::string wscleanScale(std::string cell) {
  for (auto [from, to] : {std::pair<const char*, const char*>{"arcsec", "asec"}, {"arcmin", "amin"}}) {
    const auto at = cell.find(from);
    if (at != std::string::npos) cell.replace(at, std::string(from).size(), to);
  }
  return cell;
}

std::string wscleanArgs(const Settings& s, int cores, const std::string& name) {
  std::vector<long> size = s.ints("imsize");
  if (size.empty()) size = {512};
  if (size.size() == 1) size.push_back(size[0]);
  std::string args = "-quiet -reorder -pol I -j " + std::to_string(cores) + " -size " + std::to_string(size[0]) + " " +
                     std::to_string(size[1]);
  const std::string cell = s.str("cell");
  if (!cell.empty()) args += " -scale " + wscleanScale(cell);
  const std::string weighting = s.str("weighting", "natural");
  if (weighting == "briggs")
    args += " -weight briggs " + s.str("robust", "0.5");
  else
    args += " -weight " + weighting;
  const std::string column = s.str("datacolumn", "corrected");
  args += std::string(" -data-column ") + (column == "data" ? "DATA" : column == "model" ? "MODEL_DATA" : "CORRECTED_DATA");
  const std::vector<long> niter = s.ints("niter");
  args += " -niter " + std::to_string(niter.empty() ? 0 : niter[0]);
  if (!niter.empty() && niter[0] > 0) args += " -gain " + s.str("gain", "0.1");
  args += " -name " + quote(name);
  for (const auto& ms : s.list("vis")) args += " " + quote(ms);
  return args;
}

double maxRssMiB(const std::string& time_text) {
  const auto at = time_text.find("Maximum resident set size (kbytes):");
  if (at == std::string::npos) return -1;
  return std::atof(time_text.c_str() + at + 36) / 1024.0;
}

void removeImages(const fs::path& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name != "run.json" && name != "log.txt" && name != "time.txt") fs::remove_all(entry.path(), ec);
  }
}

// Colours of the phases in the figure (and "other": wall minus the sum of the phases).
const ptclean::bench::Rgb kPhaseColours[] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44}, {214, 39, 40},
                                             {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                                             {188, 189, 34}};

struct MixSummary {
  Mix mix;
  std::vector<double> walls, elapsed;
  std::map<std::string, double> median_phases;
  double median_wall = 0, min_wall = 0, max_wall = 0, median_elapsed = 0, peak_mib = -1, vis_per_s = 0;
  double speedup = 0, efficiency = 0;
};

double niceStep(double range, int ticks) {
  const double raw = range / std::max(1, ticks);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (raw <= m * magnitude) return m * magnitude;
  return 10 * magnitude;
}

std::string tickLabel(double v, double step) {
  const int digits = step >= 1 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
  return fixed(v, digits);
}

void drawFigure(const std::vector<MixSummary>& mixes, const std::vector<std::string>& phases, int cores,
                const std::string& path) {
  using ptclean::bench::Canvas;
  using ptclean::bench::Rgb;
  const int n = int(mixes.size());
  const int width = std::max(900, 140 + n * 100), height = 800;
  Canvas c(width, height);
  const Rgb black{0, 0, 0}, grey{200, 200, 200};
  const int left = 90, right = width - 30;
  c.text(left, 12, "PTCLEAN SWEEP ON " + std::to_string(cores) + " CORES: MEDIAN WALL (S) PER RANKS x THREADS", black, 2);

  // Legend, wrapped to the plot's width.
  std::vector<std::string> names = phases;
  names.push_back("other");
  int lx = left, ly = 40;
  for (std::size_t p = 0; p < names.size(); ++p) {
    const int item = 18 + Canvas::textWidth(names[p], 2) + 16;
    if (lx + item > right && lx > left) {
      lx = left;
      ly += 22;
    }
    c.fillRect(lx, ly, lx + 13, ly + 13, kPhaseColours[p % 9]);
    c.text(lx + 18, ly, names[p], black, 2);
    lx += item;
  }

  // Panel 1: stacked bars of the median phases (the bar's height is the median wall).
  const int top1 = ly + 52, bottom1 = 470;
  double ymax = 0;
  for (const auto& m : mixes) {
    double sum = 0;
    for (auto& [name, v] : m.median_phases) sum += v;
    ymax = std::max({ymax, m.median_wall, sum});
  }
  if (ymax <= 0) ymax = 1;
  const double step = niceStep(ymax, 5);
  ymax = std::ceil(ymax / step) * step;
  auto y1 = [&](double v) { return bottom1 - int(std::lround(v / ymax * (bottom1 - top1))); };
  for (double v = 0; v <= ymax + 1e-9; v += step) {
    c.line(left, y1(v), right, y1(v), grey);
    const std::string label = tickLabel(v, step);
    c.text(left - 8 - Canvas::textWidth(label, 2), y1(v) - 7, label, black, 2);
  }
  c.text(left - 60, top1 - 24, "WALL (S)", black, 2);
  const int slot = (right - left) / std::max(1, n);
  for (int i = 0; i < n; ++i) {
    const auto& m = mixes[std::size_t(i)];
    const int x0 = left + i * slot + slot / 5, x1 = left + (i + 1) * slot - slot / 5;
    double acc = 0;
    std::size_t p = 0;
    for (; p < phases.size(); ++p) {
      auto it = m.median_phases.find(phases[p]);
      const double v = it == m.median_phases.end() ? 0 : it->second;
      if (v > 0) c.fillRect(x0, y1(acc + v), x1, y1(acc), kPhaseColours[p % 9]);
      acc += v;
    }
    if (m.mix.wsclean || m.median_wall > acc) {
      const double base = m.mix.wsclean ? 0 : acc;
      c.fillRect(x0, y1(m.median_wall), x1, y1(base), kPhaseColours[p % 9]);
    }
    const std::string label = m.mix.name();
    c.text((x0 + x1) / 2 - Canvas::textWidth(label, 2) / 2, bottom1 + 8, label, black, 2);
    const std::string value = fixed(m.median_wall, m.median_wall < 10 ? 2 : 1);
    c.text((x0 + x1) / 2 - Canvas::textWidth(value, 1) / 2, y1(std::max(acc, m.median_wall)) - 10, value, black, 1);
  }
  c.line(left, top1, left, bottom1, black, 2);
  c.line(left, bottom1, right, bottom1, black, 2);

  // Panel 2: parallel efficiency t(1x1) / (min(R*T, N) * t(RxT)).
  const int top2 = 550, bottom2 = 750;
  c.text(left, top2 - 40, "EFFICIENCY = T(1x1) / (MIN(R*T, N) * T(RxT))", black, 2);
  double emax = 1.2;
  for (const auto& m : mixes)
    if (!m.mix.wsclean) emax = std::max(emax, m.efficiency);
  emax = std::ceil(emax * 5) / 5;
  auto y2 = [&](double v) { return bottom2 - int(std::lround(v / emax * (bottom2 - top2))); };
  for (double v = 0; v <= emax + 1e-9; v += 0.2) {
    c.line(left, y2(v), right, y2(v), grey);
    const std::string label = fixed(v, 1);
    c.text(left - 8 - Canvas::textWidth(label, 2), y2(v) - 7, label, black, 2);
  }
  int px = -1, py = -1;
  const Rgb blue{31, 119, 180};
  for (int i = 0; i < n; ++i) {
    const auto& m = mixes[std::size_t(i)];
    const int x = left + i * slot + slot / 2;
    c.text(x - Canvas::textWidth(m.mix.name(), 2) / 2, bottom2 + 8, m.mix.name(), black, 2);
    if (m.mix.wsclean) continue;
    const int y = y2(m.efficiency);
    if (px >= 0) c.line(px, py, x, y, blue, 3);
    c.fillRect(x - 4, y - 4, x + 4, y + 4, blue);
    c.text(x + 8, y - 14, fixed(m.efficiency, 2), black, 1);
    px = x;
    py = y;
  }
  c.line(left, top2, left, bottom2, black, 2);
  c.line(left, bottom2, right, bottom2, black, 2);
  c.writePng(path);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ptclean_sweep: ptclean image over every MPI ranks x OpenMP threads mix of N cores"};
  std::string config, out = "sweep-out", ptclean, mpirun = PTCLEAN_SWEEP_MPIEXEC;
  std::vector<std::string> overrides;
  int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  int runs = 3;
  bool oversubscribe_mixes = false, with_wsclean = false, keep_images = false;
  app.add_option("config", config, "TOML file of `ptclean image` keys")->check(CLI::ExistingFile);
  app.add_option("--set", overrides, "key=value for `ptclean image`, overriding the config file")->take_all();
  app.add_option("--cores,-n", cores, "cores N: mixes with ranks x threads = N (default: nproc)")->check(CLI::PositiveNumber);
  app.add_option("--runs,-k", runs, "runs per mix (default 3)")->check(CLI::PositiveNumber);
  app.add_option("--out,-o", out, "output folder (default sweep-out)");
  app.add_flag("--oversubscribe-mixes", oversubscribe_mixes, "also the mixes with ranks x threads = 2N");
  app.add_flag("--wsclean", with_wsclean, "also run WSClean (if on PATH) with -j N once per run");
  app.add_flag("--keep-images", keep_images, "keep each run's images (removed by default)");
  app.add_option("--ptclean", ptclean, "the ptclean binary (default: ../imager/ptclean next to this program)");
  app.add_option("--mpirun", mpirun, "the mpirun binary");
  CLI11_PARSE(app, argc, argv);

  if (ptclean.empty()) {
    ptclean = (fs::path(selfDir()) / ".." / "imager" / "ptclean").lexically_normal().string();
    if (!fs::exists(ptclean)) ptclean = PTCLEAN_SWEEP_DEFAULT_PTCLEAN;
  }
  if (!fs::exists(ptclean)) {
    std::cerr << "ptclean_sweep: no ptclean binary at " << ptclean << " (use --ptclean)\n";
    return 1;
  }
  const bool have_time = ::access("/usr/bin/time", X_OK) == 0;
  if (!have_time) std::cerr << "ptclean_sweep: /usr/bin/time not found; peak memory is not measured\n";

  Settings settings;
  try {
    if (!config.empty()) settings.table = toml::parse_file(config);
  } catch (const toml::parse_error& e) {
    std::cerr << "ptclean_sweep: " << config << ": " << e.description() << "\n";
    return 1;
  }
  for (const auto& o : overrides) settings.overlay(o);
  if (with_wsclean && !onPath("wsclean")) {
    std::cerr << "ptclean_sweep: --wsclean given but wsclean is not on PATH; skipping WSClean\n";
    with_wsclean = false;
  }

  // The mixes: 1x1 (the efficiency baseline), every R x T = N, then R x T = 2N if asked.
  std::vector<Mix> mixes{{1, 1}};
  auto addProducts = [&](int product) {
    for (int r = 1; r <= product; ++r)
      if (product % r == 0 && !(r == 1 && product == 1)) mixes.push_back({r, product / r});
  };
  addProducts(cores);
  if (oversubscribe_mixes) addProducts(2 * cores);
  if (with_wsclean) mixes.push_back({1, cores, true});

  const fs::path out_dir = fs::absolute(out);
  fs::create_directories(out_dir / "runs");
  std::string base_args;
  if (!config.empty()) base_args += " " + quote(config);
  for (const auto& o : overrides) base_args += " --set " + quote(o);
  std::string mpi_flags = " --oversubscribe --bind-to none";
  if (::geteuid() == 0) mpi_flags += " --allow-run-as-root";

  std::vector<Run> results;
  const auto start = std::chrono::steady_clock::now();
  const int total = int(mixes.size()) * runs;
  int done = 0;
  for (int run = 1; run <= runs; ++run) {
    for (std::size_t i = 0; i < mixes.size(); ++i) {
      const Mix& mix = mixes[i];
      const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const std::string eta = done == 0 ? "--:--" : mmss(spent / done * (total - done));
      std::fprintf(stderr, "mix %zu of %zu (%s), run %d of %d, ETA %s\n", i + 1, mixes.size(), mix.name().c_str(), run,
                   runs, eta.c_str());
      const fs::path dir = out_dir / "runs" / (mix.name() + "-" + std::to_string(run));
      fs::remove_all(dir);
      fs::create_directories(dir);
      std::string command;
      const std::string timer = have_time ? "/usr/bin/time -v -o " + quote((dir / "time.txt").string()) + " " : "";
      if (mix.wsclean) {
        command = timer + "wsclean " + wscleanArgs(settings, cores, (dir / "ws").string());
      } else {
        command = "OMP_NUM_THREADS=" + std::to_string(mix.threads) + " OMPI_MCA_rmaps_base_oversubscribe=1 " + timer +
                  quote(mpirun) + mpi_flags + " -x OMP_NUM_THREADS -n " + std::to_string(mix.ranks) + " " +
                  quote(ptclean) + " -v image" + base_args + " --set threads=" + std::to_string(mix.threads) + " --set " +
                  quote("imagename=" + (dir / "img").string()) +
                  " --timings " + quote((dir / "run.json").string());
      }
      command += " > " + quote((dir / "log.txt").string()) + " 2>&1";
      const auto t0 = std::chrono::steady_clock::now();
      const int status = std::system(command.c_str());
      Run r;
      r.mix = mix;
      r.run = run;
      r.elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const std::string log = readFile(dir / "log.txt");
      if (status != 0) {
        std::cerr << "ptclean_sweep: run failed: " << command << "\n" << tail(log) << "\n";
        return 1;
      }
      if (have_time) r.peak_mib = maxRssMiB(readFile(dir / "time.txt"));
      if (mix.wsclean) {
        r.wall = r.elapsed;
      } else {
        json doc;
        try {
          doc = json::parse(readFile(dir / "run.json"));
        } catch (const std::exception& e) {
          std::cerr << "ptclean_sweep: cannot read " << (dir / "run.json") << ": " << e.what() << "\n";
          return 1;
        }
        if (doc.value("ranks", 0) != mix.ranks || doc.value("threads", 0) != mix.threads) {
          std::cerr << "ptclean_sweep: " << (dir / "run.json").string() << " reports " << doc.value("ranks", 0) << " x "
                    << doc.value("threads", 0) << ", not " << mix.name() << "\n";
          return 1;
        }
        r.wall = doc.value("wall", 0.0);
        for (const auto& phase : doc["phases"]) {
          double worst = 0;
          for (const auto& rank : doc["per_rank"]) worst = std::max(worst, rank.value(phase.get<std::string>(), 0.0));
          r.phases[phase.get<std::string>()] = worst;
        }
        if (doc.contains("samples")) r.samples = doc["samples"].get<long long>();
        static const std::regex read_line("read ([0-9]+) Stokes I samples");
        long long sum = 0;
        bool found = false;
        for (std::sregex_iterator it(log.begin(), log.end(), read_line), end; it != end; ++it) {
          sum += std::stoll((*it)[1].str());
          found = true;
        }
        if (r.samples < 0 && found) r.samples = sum;
        if (r.samples > 0 && r.wall > 0) r.vis_per_s = double(r.samples) / r.wall;
      }
      if (!keep_images) removeImages(dir);
      results.push_back(r);
      ++done;
    }
  }

  // Phase names in the order of the first run.json.
  std::vector<std::string> phases;
  for (const auto& r : results)
    if (!r.mix.wsclean && phases.empty()) {
      json doc = json::parse(readFile(out_dir / "runs" / (r.mix.name() + "-1") / "run.json"));
      for (const auto& p : doc["phases"]) phases.push_back(p.get<std::string>());
    }
  long long samples = -1;
  for (const auto& r : results)
    if (!r.mix.wsclean && r.samples > 0) samples = r.samples;

  // Per-mix summaries.
  std::vector<MixSummary> summaries;
  for (const auto& mix : mixes) {
    MixSummary s;
    s.mix = mix;
    std::vector<double> vps;
    std::map<std::string, std::vector<double>> per_phase;
    for (const auto& r : results) {
      if (r.mix.name() != mix.name()) continue;
      s.walls.push_back(r.wall);
      s.elapsed.push_back(r.elapsed);
      s.peak_mib = std::max(s.peak_mib, r.peak_mib);
      vps.push_back(mix.wsclean && samples > 0 ? double(samples) / r.wall : r.vis_per_s);
      for (auto& [name, v] : r.phases) per_phase[name].push_back(v);
    }
    s.median_wall = median(s.walls);
    s.min_wall = *std::min_element(s.walls.begin(), s.walls.end());
    s.max_wall = *std::max_element(s.walls.begin(), s.walls.end());
    s.median_elapsed = median(s.elapsed);
    s.vis_per_s = median(vps);
    for (auto& [name, v] : per_phase) s.median_phases[name] = median(v);
    summaries.push_back(s);
  }
  const double t11 = summaries[0].median_wall;
  for (auto& s : summaries) {
    s.speedup = s.median_wall > 0 ? t11 / s.median_wall : 0;
    s.efficiency = s.mix.wsclean ? 0 : s.speedup / std::min(s.mix.ranks * s.mix.threads, cores);
  }

  std::string command_line;
  for (int a = 0; a < argc; ++a) command_line += (a ? " " : "") + std::string(argv[a]);
  const std::string date = utcNow();
  const std::string efficiency_definition =
      "E(RxT) = t(1x1) / (min(R*T, N) * t(RxT)), t = median of ptclean's wall (run.json), N = cores";

  // sweep.csv
  {
    std::ofstream csv(out_dir / "sweep.csv");
    csv << "mix,ranks,threads,run";
    for (const auto& p : phases) csv << "," << p << "_s";
    csv << ",wall_s,elapsed_s,peak_rss_mib,samples,vis_per_s\n";
    for (const auto& r : results) {
      csv << r.mix.name() << "," << r.mix.ranks << "," << r.mix.threads << "," << r.run;
      for (const auto& p : phases) {
        auto it = r.phases.find(p);
        csv << ",";
        if (it != r.phases.end()) csv << it->second;
      }
      const long long n = r.mix.wsclean ? samples : r.samples;
      csv << "," << r.wall << "," << r.elapsed << "," << fixed(r.peak_mib, 1) << "," << n << ","
          << (n > 0 && r.wall > 0 ? double(n) / r.wall : 0) << "\n";
    }
  }
  // sweep.json
  {
    json doc;
    doc["command"] = command_line;
    doc["date"] = date;
    doc["cores"] = cores;
    doc["runs_per_mix"] = runs;
    doc["phases"] = phases;
    doc["samples"] = samples;
    doc["wall"] = "ptclean's own wall from run.json (wsclean: elapsed); elapsed includes the mpirun start-up";
    doc["peak_rss"] = "GNU time's maximum resident set size: the largest single process of the run, MiB";
    doc["efficiency"] = efficiency_definition;
    for (const auto& r : results) {
      json row{{"mix", r.mix.name()}, {"ranks", r.mix.ranks}, {"threads", r.mix.threads}, {"run", r.run},
               {"wall_s", r.wall}, {"elapsed_s", r.elapsed}, {"peak_rss_mib", r.peak_mib},
               {"samples", r.mix.wsclean ? samples : r.samples}, {"phases_s", r.phases}};
      row["vis_per_s"] = r.mix.wsclean ? (samples > 0 ? double(samples) / r.wall : 0.0) : r.vis_per_s;
      doc["runs"].push_back(row);
    }
    for (const auto& s : summaries) {
      json row{{"mix", s.mix.name()}, {"ranks", s.mix.ranks}, {"threads", s.mix.threads},
               {"median_wall_s", s.median_wall}, {"min_wall_s", s.min_wall}, {"max_wall_s", s.max_wall},
               {"median_elapsed_s", s.median_elapsed}, {"peak_rss_mib", s.peak_mib}, {"vis_per_s", s.vis_per_s},
               {"median_phases_s", s.median_phases}, {"speedup", s.speedup}};
      if (!s.mix.wsclean) row["efficiency"] = s.efficiency;
      doc["mixes"].push_back(row);
    }
    std::ofstream(out_dir / "sweep.json") << doc.dump(2) << "\n";
  }
  // sweep.md
  {
    std::ofstream md(out_dir / "sweep.md");
    md << "`" << command_line << "`, " << date << ", " << cores << " cores, " << runs << " run(s) per mix";
    if (samples > 0) md << ", " << samples << " Stokes I samples";
    md << "\n\n| mix | median wall s | min s | max s | elapsed s | speed-up | efficiency | Mvis/s | peak RSS MiB |";
    for (const auto& p : phases) md << " " << p << " s |";
    md << "\n|---|---|---|---|---|---|---|---|---|";
    for (std::size_t p = 0; p < phases.size(); ++p) md << "---|";
    md << "\n";
    for (const auto& s : summaries) {
      md << "| " << s.mix.name() << " | " << fixed(s.median_wall) << " | " << fixed(s.min_wall) << " | "
         << fixed(s.max_wall) << " | " << fixed(s.median_elapsed) << " | " << fixed(s.speedup) << " | "
         << (s.mix.wsclean ? std::string("") : fixed(s.efficiency)) << " | " << fixed(s.vis_per_s / 1e6, 3) << " | "
         << (s.peak_mib >= 0 ? fixed(s.peak_mib, 0) : std::string("n/a")) << " |";
      for (const auto& p : phases) {
        auto it = s.median_phases.find(p);
        md << " " << (it == s.median_phases.end() ? std::string("") : fixed(it->second)) << " |";
      }
      md << "\n";
    }
    md << "\nwall: ptclean's own (run.json), elapsed: the whole mpirun; phases: median over runs of the maximum over "
          "ranks; efficiency: "
       << efficiency_definition << "; peak RSS: GNU time's maximum resident set size (largest single process).\n";
    if (with_wsclean) {
      const double ws = summaries.back().median_wall;
      md << "\nWSClean (-j " << cores << ", default gridder, " << summaries.back().walls.size()
         << " run(s)): median " << fixed(ws) << " s (elapsed).\n\n| mix | ptclean wall / WSClean wall | "
         << "ptclean elapsed / WSClean |\n|---|---|---|\n";
      for (const auto& s : summaries)
        if (!s.mix.wsclean)
          md << "| " << s.mix.name() << " | " << fixed(s.median_wall / ws) << " | " << fixed(s.median_elapsed / ws)
             << " |\n";
    }
  }
  drawFigure(summaries, phases, cores, (out_dir / "sweep.png").string());
  std::cerr << "ptclean_sweep: wrote " << (out_dir / "sweep.csv").string() << ", sweep.json, sweep.md, sweep.png\n";
  std::cout << readFile(out_dir / "sweep.md");
  return 0;
}
