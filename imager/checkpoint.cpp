#include "checkpoint.h"

#include <hdf5.h>
#include <toml++/toml.h>

#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <stdexcept>

namespace ptclean::imager {
namespace {

constexpr const char* kFormat = "ptclean checkpoint";
constexpr long kVersion = 1;

/// An HDF5 identifier closed when it goes out of scope.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) throw std::runtime_error(what);
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(Handle&& other) noexcept : id_(other.id_), close_(other.close_) { other.id_ = -1; }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  operator hid_t() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw std::runtime_error(what);
}

Handle stringType(std::size_t length) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "HDF5 string type");
  check(H5Tset_size(type, std::max<std::size_t>(1, length)), "HDF5 string size");
  check(H5Tset_cset(type, H5T_CSET_UTF8), "HDF5 string set");
  return type;
}

// --- writing -------------------------------------------------------------------------------

void attribute(hid_t owner, const char* name, hid_t file_type, hid_t memory_type, const void* value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "HDF5 scalar space");
  Handle a(H5Acreate2(owner, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
           std::string("cannot create attribute ") + name);
  check(H5Awrite(a, memory_type, value), std::string("cannot write attribute ") + name);
}
void attribute(hid_t owner, const char* name, long value) {
  const std::int64_t v = value;
  attribute(owner, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &v);
}
void attribute(hid_t owner, const char* name, std::uint64_t value) {
  attribute(owner, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value);
}
void attribute(hid_t owner, const char* name, double value) {
  attribute(owner, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}
void attribute(hid_t owner, const char* name, const std::string& value) {
  Handle type = stringType(value.size());
  attribute(owner, name, type, type, value.empty() ? " " : value.c_str());
}

void dataset(hid_t owner, const char* name, std::vector<hsize_t> dims, hid_t file_type, hid_t memory_type,
             const void* values) {
  Handle space(H5Screate_simple(int(dims.size()), dims.data(), nullptr), H5Sclose, "HDF5 data space");
  Handle d(H5Dcreate2(owner, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
           std::string("cannot create dataset ") + name);
  check(H5Dwrite(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values), std::string("cannot write ") + name);
}
void image(hid_t owner, const char* name, const Checkpoint& c, const std::vector<double>& pixels) {
  dataset(owner, name, {c.ny, c.nx}, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, pixels.data());
}
void image(hid_t owner, const char* name, const Checkpoint& c, const std::vector<std::uint8_t>& pixels) {
  dataset(owner, name, {c.ny, c.nx}, H5T_STD_U8LE, H5T_NATIVE_UINT8, pixels.data());
}
void strings(hid_t owner, const char* name, const std::vector<std::string>& values) {
  std::size_t width = 1;
  for (const auto& v : values) width = std::max(width, v.size());
  std::string packed(values.size() * width, '\0');
  for (std::size_t i = 0; i < values.size(); ++i) packed.replace(i * width, values[i].size(), values[i]);
  Handle type = stringType(width);
  dataset(owner, name, {values.size()}, type, type, packed.data());
}

Handle group(hid_t owner, const char* name) {
  return Handle(H5Gcreate2(owner, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose,
                std::string("cannot create group ") + name);
}

void writeHistory(hid_t cycle, const std::vector<MinorCycleRecord>& history) {
  Handle h = group(cycle, "history");
  std::vector<double> peak, rms, threshold, final_peak;
  std::vector<std::int64_t> iterations;
  std::vector<std::string> ended_by;
  for (const auto& r : history) {
    peak.push_back(r.peak_residual);
    rms.push_back(r.rms);
    threshold.push_back(r.cycle_threshold);
    final_peak.push_back(r.final_peak);
    iterations.push_back(r.iterations);
    ended_by.push_back(r.ended_by);
  }
  const std::vector<hsize_t> n{history.size()};
  dataset(h, "peak_residual", n, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, peak.data());
  dataset(h, "rms", n, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, rms.data());
  dataset(h, "cycle_threshold", n, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, threshold.data());
  dataset(h, "iterations", n, H5T_STD_I64LE, H5T_NATIVE_INT64, iterations.data());
  dataset(h, "final_peak", n, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, final_peak.data());
  strings(h, "ended_by", ended_by);
}

/// A test hook: PTCLEAN_TEST_KILL_IN_CHECKPOINT=N kills the process halfway through writing the
/// checkpoint of major cycle N, as a scheduler's SIGKILL could.
void killHereIfAsked(long major_cycle) {
  const char* wanted = std::getenv("PTCLEAN_TEST_KILL_IN_CHECKPOINT");
  if (wanted && std::atol(wanted) == major_cycle) std::raise(SIGKILL);
}

void syncToDisk(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

// --- reading -------------------------------------------------------------------------------

struct Reader {
  std::string path;
  hid_t file;

  [[noreturn]] void fail(const std::string& what) const {
    throw std::runtime_error("checkpoint " + path + ": " + what + " (not a complete ptclean checkpoint)");
  }
  Handle openAttribute(hid_t owner, const char* name) const {
    if (H5Aexists(owner, name) <= 0) fail(std::string("no attribute '") + name + "'");
    return Handle(H5Aopen(owner, name, H5P_DEFAULT), H5Aclose, std::string("cannot open attribute ") + name);
  }
  template <typename T>
  T number(hid_t owner, const char* name, hid_t memory_type) const {
    Handle a = openAttribute(owner, name);
    T value{};
    if (H5Aread(a, memory_type, &value) < 0) fail(std::string("cannot read attribute '") + name + "'");
    return value;
  }
  long integer(hid_t owner, const char* name) const { return long(number<std::int64_t>(owner, name, H5T_NATIVE_INT64)); }
  std::uint64_t unsigned64(hid_t owner, const char* name) const { return number<std::uint64_t>(owner, name, H5T_NATIVE_UINT64); }
  double real(hid_t owner, const char* name) const { return number<double>(owner, name, H5T_NATIVE_DOUBLE); }
  std::string text(hid_t owner, const char* name) const {
    Handle a = openAttribute(owner, name);
    Handle type(H5Aget_type(a), H5Tclose, "attribute type");
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) fail(std::string("attribute '") + name + "' is not a string");
    std::string value(H5Tget_size(type), '\0');
    if (H5Aread(a, type, value.data()) < 0) fail(std::string("cannot read attribute '") + name + "'");
    value.resize(value.find_last_not_of(std::string(1, '\0')) + 1);
    return value == " " ? "" : value;
  }
  Handle openGroup(const char* name) const {
    if (H5Lexists(file, name, H5P_DEFAULT) <= 0) fail(std::string("no group '") + name + "'");
    return Handle(H5Gopen2(file, name, H5P_DEFAULT), H5Gclose, std::string("cannot open group ") + name);
  }
  bool has(hid_t owner, const char* name) const { return H5Lexists(owner, name, H5P_DEFAULT) > 0; }
  template <typename T>
  std::vector<T> values(hid_t owner, const char* name, hid_t memory_type, std::size_t expected) const {
    if (!has(owner, name)) fail(std::string("no dataset '") + name + "'");
    Handle d(H5Dopen2(owner, name, H5P_DEFAULT), H5Dclose, std::string("cannot open dataset ") + name);
    Handle space(H5Dget_space(d), H5Sclose, "data space");
    const hssize_t count = H5Sget_simple_extent_npoints(space);
    if (count < 0 || std::size_t(count) != expected)
      fail(std::string("dataset '") + name + "' has " + std::to_string(count) + " values, not " + std::to_string(expected));
    std::vector<T> out(expected);
    if (expected > 0 && H5Dread(d, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
      fail(std::string("cannot read dataset '") + name + "'");
    return out;
  }
  std::vector<std::string> strings(hid_t owner, const char* name, std::size_t expected) const {
    if (!has(owner, name)) fail(std::string("no dataset '") + name + "'");
    Handle d(H5Dopen2(owner, name, H5P_DEFAULT), H5Dclose, std::string("cannot open dataset ") + name);
    Handle type(H5Dget_type(d), H5Tclose, "dataset type");
    Handle space(H5Dget_space(d), H5Sclose, "data space");
    if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0 ||
        std::size_t(H5Sget_simple_extent_npoints(space)) != expected)
      fail(std::string("dataset '") + name + "' is not " + std::to_string(expected) + " fixed-length strings");
    const std::size_t width = H5Tget_size(type);
    std::string packed(width * expected, '\0');
    if (expected > 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()) < 0)
      fail(std::string("cannot read dataset '") + name + "'");
    std::vector<std::string> out;
    for (std::size_t i = 0; i < expected; ++i) out.push_back(packed.substr(i * width, width).c_str());
    return out;
  }
};

std::map<std::string, std::string> keyValues(const std::string& dump) {
  std::map<std::string, std::string> values;
  std::istringstream lines(dump);
  std::string line;
  while (std::getline(lines, line)) {
    const auto eq = line.find(" = ");
    if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return values;
}

}  // namespace

void writeCheckpoint(const std::string& path, const Checkpoint& c) {
  const std::string partial = path + ".partial";
  {
    Handle file(H5Fcreate(partial.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                "cannot create checkpoint file " + partial);
    attribute(file, "format", std::string(kFormat));
    attribute(file, "version", kVersion);
    attribute(file, "ptclean_version", std::string(PTCLEAN_VERSION));
    strings(file, "config", {c.config});

    Handle data = group(file, "data");
    attribute(data, "rows", c.data.rows);
    attribute(data, "uvw_weight_checksum", c.data.checksum);

    Handle images = group(file, "images");
    attribute(images, "nx", long(c.nx));
    attribute(images, "ny", long(c.ny));
    image(images, "model", c, c.model);
    image(images, "residual", c, c.residual);
    if (!c.mask.empty()) image(images, "mask", c, c.mask);
    H5Fflush(file, H5F_SCOPE_GLOBAL);
    killHereIfAsked(c.progress.control.major_cycles_done);

    if (c.automask) {
      Handle automask = group(file, "automask");
      attribute(automask, "updates", c.automask->updates);
      attribute(automask, "stopped", long(c.automask->stopped));
      image(automask, "mask", c, c.automask->mask);
    }
    Handle beam = group(file, "beam");
    attribute(beam, "major_rad", c.beam.major_rad);
    attribute(beam, "minor_rad", c.beam.minor_rad);
    attribute(beam, "pa_rad", c.beam.pa_rad);

    // Written last: a file without it was cut short.
    Handle cycle = group(file, "cycle");
    writeHistory(cycle, c.progress.history);
    attribute(cycle, "iterations_done", c.progress.control.iterations_done);
    attribute(cycle, "major_cycles_done", c.progress.control.major_cycles_done);
    attribute(cycle, "lowest_peak", c.progress.control.lowest_peak);
    attribute(cycle, "cycle_threshold_was_global", long(c.progress.cycle_threshold_was_global));
    check(H5Fflush(file, H5F_SCOPE_GLOBAL), "cannot flush checkpoint file " + partial);
  }
  syncToDisk(partial, O_RDONLY);
  std::error_code error;
  std::filesystem::rename(partial, path, error);
  if (error) throw std::runtime_error("cannot rename " + partial + " to " + path + ": " + error.message());
  const auto folder = std::filesystem::absolute(path).parent_path();
  syncToDisk(folder.string(), O_RDONLY | O_DIRECTORY);
}

Checkpoint readCheckpoint(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) throw std::runtime_error("checkpoint " + path + ": no such file");
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // our messages name the file and the item instead
  if (H5Fis_hdf5(path.c_str()) <= 0) throw std::runtime_error("checkpoint " + path + ": not an HDF5 file");
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "checkpoint " + path + ": cannot open");
  Reader r{path, file};
  if (r.text(file, "format") != kFormat) r.fail("attribute 'format' is not '" + std::string(kFormat) + "'");
  if (const long version = r.integer(file, "version"); version != kVersion)
    r.fail("version " + std::to_string(version) + ", this ptclean reads version " + std::to_string(kVersion));

  Checkpoint c;
  c.config = r.strings(file, "config", 1)[0];
  Handle data = r.openGroup("data");
  c.data = {r.unsigned64(data, "rows"), r.unsigned64(data, "uvw_weight_checksum")};

  Handle images = r.openGroup("images");
  c.nx = std::size_t(r.integer(images, "nx"));
  c.ny = std::size_t(r.integer(images, "ny"));
  const std::size_t pixels = c.nx * c.ny;
  c.model = r.values<double>(images, "model", H5T_NATIVE_DOUBLE, pixels);
  c.residual = r.values<double>(images, "residual", H5T_NATIVE_DOUBLE, pixels);
  if (r.has(images, "mask")) c.mask = r.values<std::uint8_t>(images, "mask", H5T_NATIVE_UINT8, pixels);

  Handle cycle = r.openGroup("cycle");
  c.progress.control = {r.integer(cycle, "iterations_done"), r.integer(cycle, "major_cycles_done"),
                        r.real(cycle, "lowest_peak")};
  c.progress.cycle_threshold_was_global = r.integer(cycle, "cycle_threshold_was_global") != 0;
  if (!r.has(cycle, "history")) r.fail("no group 'cycle/history'");
  Handle history(H5Gopen2(cycle, "history", H5P_DEFAULT), H5Gclose, "cannot open cycle/history");
  const std::size_t n = std::size_t(c.progress.control.major_cycles_done);
  auto peak = r.values<double>(history, "peak_residual", H5T_NATIVE_DOUBLE, n);
  auto rms = r.values<double>(history, "rms", H5T_NATIVE_DOUBLE, n);
  auto threshold = r.values<double>(history, "cycle_threshold", H5T_NATIVE_DOUBLE, n);
  auto iterations = r.values<std::int64_t>(history, "iterations", H5T_NATIVE_INT64, n);
  auto final_peak = r.values<double>(history, "final_peak", H5T_NATIVE_DOUBLE, n);
  auto ended_by = r.strings(history, "ended_by", n);
  for (std::size_t i = 0; i < n; ++i)
    c.progress.history.push_back({peak[i], rms[i], threshold[i], long(iterations[i]), final_peak[i], ended_by[i]});

  Handle beam = r.openGroup("beam");
  c.beam = {r.real(beam, "major_rad"), r.real(beam, "minor_rad"), r.real(beam, "pa_rad")};
  if (r.has(file, "automask")) {
    Handle automask = r.openGroup("automask");
    deconvolution::AutoMasker::State state;
    state.updates = r.integer(automask, "updates");
    state.stopped = r.integer(automask, "stopped") != 0;
    state.mask = r.values<std::uint8_t>(automask, "mask", H5T_NATIVE_UINT8, pixels);
    c.automask = std::move(state);
  }
  return c;
}

/// Whether two TOML value texts mean the same value ("0.1" and "0.10000000000000001" do).
bool sameValue(const std::string& a, const std::string& b) {
  if (a == b) return true;
  try {
    return toml::parse("v = " + a) == toml::parse("v = " + b);
  } catch (const toml::parse_error&) {
    return false;
  }
}

std::string configDifferences(const std::string& saved, const std::string& now) {
  static const char* const kFree[] = {"threads", "checkpoint"};
  auto before = keyValues(saved), after = keyValues(now);
  for (const char* key : kFree) before.erase(key), after.erase(key);
  std::string differences;
  auto add = [&](const std::string& key, const std::string& was, const std::string& is) {
    differences += (differences.empty() ? "" : "; ") + key + ": " + was + " in the checkpoint, " + is + " now";
  };
  for (const auto& [key, value] : before) {
    auto found = after.find(key);
    if (found == after.end()) add(key, value, "unset");
    else if (!sameValue(found->second, value)) add(key, value, found->second);
  }
  for (const auto& [key, value] : after)
    if (!before.count(key)) add(key, "unset", value);
  return differences;
}

std::string dataDifference(const DataDigest& saved, const DataDigest& now) {
  if (saved.rows != now.rows)
    return std::to_string(now.rows) + " rows selected now, " + std::to_string(saved.rows) + " in the checkpoint";
  if (saved.checksum != now.checksum)
    return "the checksum of UVW and weights differs (" + std::to_string(now.checksum) + " now, " +
           std::to_string(saved.checksum) + " in the checkpoint): the MS's data changed";
  return "";
}

}  // namespace ptclean::imager
