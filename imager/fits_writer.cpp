// FITS output through cfitsio. Keyword choices follow WSClean and CASA's exportfits (stokeslast),
// which is what viewers and astropy are tested against.
#include "fits_writer.h"

#include <fitsio.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace ptclean::imager {
namespace {

constexpr double kRadToDeg = 57.295779513082320876798;  // 180 / pi

struct FitsCloser {
  void operator()(fitsfile* file) const {
    int status = 0;  // closing after an error: nothing more to report
    fits_close_file(file, &status);
  }
};
using FitsFile = std::unique_ptr<fitsfile, FitsCloser>;

/// Throws with cfitsio's own messages (its error stack) if `status` is set.
void check(int status, const std::string& what) {
  if (status == 0) return;
  char text[FLEN_ERRMSG] = {};
  fits_get_errstatus(status, text);
  std::string message = what + ": " + text;
  char detail[FLEN_ERRMSG] = {};
  while (fits_read_errmsg(detail)) message += std::string("; ") + detail;
  throw std::runtime_error(message);
}

void keyString(fitsfile* f, const char* key, const std::string& value, const char* comment,
               int* status) {
  fits_update_key_str(f, key, value.c_str(), comment, status);
}

/// As many significant digits (up to 15) as fit the 20 columns of FITS "fixed format":
/// casacore's reader complains about longer values, e.g. -0.000555555555555556.
void keyDouble(fitsfile* f, const char* key, double value, const char* comment, int* status) {
  int digits = 15;
  for (; digits > 8; --digits) {
    char text[64];
    const int length = std::snprintf(text, sizeof text, "%.*G", digits, value);
    const bool has_point = std::string_view(text).find_first_of(".E") != std::string_view::npos;
    if (length + (has_point ? 0 : 1) <= 20) break;  // cfitsio appends "." to integers
  }
  fits_update_key_dbl(f, key, value, -digits, comment, status);  // negative: %G format
}

std::string fitsSpecsys(const std::string& frame) {
  if (frame == "LSRK") return "LSRK";
  if (frame == "BARY") return "BARYCENT";
  return "TOPOCENT";
}

/// Per-channel beams as CASA's exportfits writes them: CASAMBM = T and a BEAMS binary table
/// (BMAJ, BMIN in arcsec, BPA in deg, CHAN, POL), which CASA, CARTA and radio-beam read.
void writeBeamTable(fitsfile* f, const ImageMetadata& meta, int* status) {
  if (meta.channel_beams.empty()) return;
  fits_update_key_log(f, "CASAMBM", 1, "one beam per channel (BEAMS table)", status);
  char* names[] = {const_cast<char*>("BMAJ"), const_cast<char*>("BMIN"), const_cast<char*>("BPA"),
                   const_cast<char*>("CHAN"), const_cast<char*>("POL")};
  char* forms[] = {const_cast<char*>("1E"), const_cast<char*>("1E"), const_cast<char*>("1E"), const_cast<char*>("1J"),
                   const_cast<char*>("1J")};
  char* units[] = {const_cast<char*>("arcsec"), const_cast<char*>("arcsec"), const_cast<char*>("deg"),
                   const_cast<char*>(""), const_cast<char*>("")};
  const LONGLONG n = LONGLONG(meta.channel_beams.size());
  fits_create_tbl(f, BINARY_TBL, n, 5, names, forms, units, "BEAMS", status);
  std::vector<float> major, minor, pa;
  std::vector<int> chan, pol;
  for (std::size_t c = 0; c < meta.channel_beams.size(); ++c) {
    major.push_back(float(meta.channel_beams[c].major_rad * kRadToDeg * 3600.0));
    minor.push_back(float(meta.channel_beams[c].minor_rad * kRadToDeg * 3600.0));
    pa.push_back(float(meta.channel_beams[c].pa_rad * kRadToDeg));
    chan.push_back(int(c));
    pol.push_back(0);
  }
  fits_write_col(f, TFLOAT, 1, 1, 1, n, major.data(), status);
  fits_write_col(f, TFLOAT, 2, 1, 1, n, minor.data(), status);
  fits_write_col(f, TFLOAT, 3, 1, 1, n, pa.data(), status);
  fits_write_col(f, TINT, 4, 1, 1, n, chan.data(), status);
  fits_write_col(f, TINT, 5, 1, 1, n, pol.data(), status);
  fits_update_key_lng(f, "NCHAN", long(n), nullptr, status);
  fits_update_key_lng(f, "NPOL", 1, nullptr, status);
}

void writeAxes(fitsfile* f, const ImageMetadata& meta, const std::vector<int>& codes, int* status) {
  keyString(f, "CTYPE1", "RA---SIN", nullptr, status);
  keyDouble(f, "CRPIX1", static_cast<double>(meta.nx / 2) + 1.0, "1-based", status);
  keyDouble(f, "CRVAL1", meta.ra_rad * kRadToDeg, nullptr, status);
  keyDouble(f, "CDELT1", -meta.cell_x_rad * kRadToDeg, "RA grows to the left", status);
  keyString(f, "CUNIT1", "deg", nullptr, status);
  keyString(f, "CTYPE2", "DEC--SIN", nullptr, status);
  keyDouble(f, "CRPIX2", static_cast<double>(meta.ny / 2) + 1.0, "1-based", status);
  keyDouble(f, "CRVAL2", meta.dec_rad * kRadToDeg, nullptr, status);
  keyDouble(f, "CDELT2", meta.cell_y_rad * kRadToDeg, nullptr, status);
  keyString(f, "CUNIT2", "deg", nullptr, status);
  keyString(f, "CTYPE3", "FREQ", nullptr, status);
  keyDouble(f, "CRPIX3", 1.0, nullptr, status);
  keyDouble(f, "CRVAL3", meta.ref_freq_hz, nullptr, status);
  // A zero increment makes the WCS matrix singular and astropy refuses the whole header.
  if (meta.nchan > 1)
    keyDouble(f, "CDELT3", meta.channel_width_hz, "channel increment", status);
  else
    keyDouble(f, "CDELT3", meta.bandwidth_hz > 0.0 ? meta.bandwidth_hz : 1.0, "bandwidth", status);
  keyString(f, "CUNIT3", "Hz", nullptr, status);
  keyString(f, "CTYPE4", "STOKES", nullptr, status);
  keyDouble(f, "CRPIX4", 1.0, nullptr, status);
  keyDouble(f, "CRVAL4", codes.front(), nullptr, status);
  keyDouble(f, "CDELT4", codes.size() > 1 ? codes[1] - codes[0] : 1.0, nullptr, status);
  keyString(f, "CUNIT4", "", nullptr, status);
  keyString(f, "RADESYS", "FK5", nullptr, status);
  keyDouble(f, "EQUINOX", 2000.0, nullptr, status);
  // mfs frequencies are as observed (not regridded); a cube's are in its outframe.
  keyString(f, "SPECSYS", fitsSpecsys(meta.spectral_frame), nullptr, status);
  if (meta.rest_freq_hz > 0.0) keyDouble(f, "RESTFRQ", meta.rest_freq_hz, "Hz", status);
}

void writeDescription(fitsfile* f, const ImageMetadata& meta, int* status) {
  keyString(f, "BUNIT", meta.units, nullptr, status);
  if (meta.beam) {
    keyDouble(f, "BMAJ", meta.beam->major_rad * kRadToDeg, "deg", status);
    keyDouble(f, "BMIN", meta.beam->minor_rad * kRadToDeg, "deg", status);
    keyDouble(f, "BPA", meta.beam->pa_rad * kRadToDeg, "deg, east of north", status);
  }
  if (!meta.telescope.empty()) keyString(f, "TELESCOP", meta.telescope, nullptr, status);
  if (!meta.object.empty()) keyString(f, "OBJECT", meta.object, nullptr, status);
  if (meta.obs_time_mjd_s > 0.0) {
    keyString(f, "DATE-OBS", isoDateFromMjdSeconds(meta.obs_time_mjd_s), "UTC", status);
    keyDouble(f, "MJD-OBS", meta.obs_time_mjd_s / 86400.0, nullptr, status);
    keyString(f, "TIMESYS", "UTC", nullptr, status);
  }
  keyString(f, "ORIGIN", "ptclean", nullptr, status);
  fits_write_date(f, status);
  for (const auto& line : meta.history) fits_write_history(f, line.c_str(), status);
}

}  // namespace

std::vector<int> stokesFitsCodes(const std::string& stokes) {
  static const std::pair<const char*, int> kProducts[] = {
      {"I", 1},   {"Q", 2},   {"U", 3},   {"V", 4},   {"RR", -1}, {"LL", -2},
      {"RL", -3}, {"LR", -4}, {"XX", -5}, {"YY", -6}, {"XY", -7}, {"YX", -8}};
  std::string upper;
  for (char c : stokes) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::vector<int> codes;
  for (std::size_t at = 0; at < upper.size();) {
    bool found = false;
    for (const auto& [name, code] : kProducts) {
      const std::string product = name;
      if (upper.compare(at, product.size(), product) == 0) {
        codes.push_back(code);
        at += product.size();
        found = true;
        break;
      }
    }
    if (!found) throw std::invalid_argument("unknown Stokes product in '" + stokes + "'");
  }
  if (codes.empty()) throw std::invalid_argument("empty Stokes string");
  for (std::size_t i = 1; i < codes.size(); ++i) {
    if (codes[i] - codes[i - 1] != codes[1] - codes[0] || std::abs(codes[1] - codes[0]) != 1)
      throw std::invalid_argument("Stokes products '" + stokes +
                                  "' do not form a FITS axis (codes must step by 1)");
  }
  return codes;
}

std::vector<int> checkImage(const ImageMetadata& meta, const std::vector<double>& pixels) {
  if (meta.nx == 0 || meta.ny == 0) throw std::invalid_argument("image nx and ny must be > 0");
  if (!(meta.cell_x_rad > 0.0) || !(meta.cell_y_rad > 0.0))
    throw std::invalid_argument("image cell sizes must be > 0");
  // Checked here, not left to the writers: cfitsio refuses a NaN keyword only after the CASA
  // image is already on disk.
  for (double value : {meta.cell_x_rad, meta.cell_y_rad, meta.ra_rad, meta.dec_rad,
                       meta.ref_freq_hz, meta.bandwidth_hz, meta.obs_time_mjd_s})
    if (!std::isfinite(value)) throw std::invalid_argument("image metadata is not finite");
  if (meta.beam && !(std::isfinite(meta.beam->major_rad) && std::isfinite(meta.beam->minor_rad) &&
                     std::isfinite(meta.beam->pa_rad)))
    throw std::invalid_argument("restoring beam is not finite");
  auto codes = stokesFitsCodes(meta.stokes);
  if (meta.nchan > 1 && codes.size() > 1)
    throw std::invalid_argument("a cube of " + std::to_string(meta.nchan) + " channels must be Stokes I only");
  if (!meta.channel_beams.empty() && meta.channel_beams.size() != meta.nchan)
    throw std::invalid_argument("a cube of " + std::to_string(meta.nchan) + " channels needs as many beams");
  if (pixels.size() != meta.nx * meta.ny * codes.size() * meta.nchan)
    throw std::invalid_argument("image of " + std::to_string(meta.nx) + "x" +
                                std::to_string(meta.ny) + "x" + std::to_string(codes.size()) +
                                " pixels given " + std::to_string(pixels.size()) + " values");
  return codes;
}

std::string isoDateFromMjdSeconds(double mjd_s) {
  // Civil date from days since 1970-01-01 (H. Hinnant's algorithm); MJD 40587 is 1970-01-01.
  const long long total_ms = std::llround(mjd_s * 1000.0);
  const long long ms_per_day = 86400000;
  long long day = total_ms / ms_per_day, ms = total_ms % ms_per_day;
  if (ms < 0) {
    ms += ms_per_day;
    --day;
  }
  long long z = day - 40587 + 719468;
  const long long era = (z >= 0 ? z : z - 146096) / 146097;
  const long long doe = z - era * 146097;
  const long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long long mp = (5 * doy + 2) / 153;
  const long long d = doy - (153 * mp + 2) / 5 + 1;
  const long long m = mp < 10 ? mp + 3 : mp - 9;
  const long long y = yoe + era * 400 + (m <= 2);
  char text[40];
  std::snprintf(text, sizeof text, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lld", y, m, d,
                ms / 3600000, ms / 60000 % 60, ms / 1000 % 60, ms % 1000);
  return text;
}

void writeFitsImage(const std::string& path, const ImageMetadata& meta,
                    const std::vector<double>& pixels) {
  const auto codes = checkImage(meta, pixels);
  int status = 0;
  fitsfile* raw = nullptr;
  // create_diskfile: the name is taken literally, no "[ext]" or "!" syntax.
  fits_create_diskfile(&raw, path.c_str(), &status);
  check(status, "cannot create " + path);
  FitsFile file(raw);
  long axes[4] = {static_cast<long>(meta.nx), static_cast<long>(meta.ny), static_cast<long>(meta.nchan),
                  static_cast<long>(codes.size())};
  fits_create_img(file.get(), FLOAT_IMG, 4, axes, &status);
  writeAxes(file.get(), meta, codes, &status);
  writeDescription(file.get(), meta, &status);
  check(status, "cannot write the header of " + path);
  // FITS order is x fastest, as the pixels already are; only the precision changes.
  std::vector<float> data(pixels.begin(), pixels.end());
  fits_write_img(file.get(), TFLOAT, 1, static_cast<LONGLONG>(data.size()), data.data(), &status);
  check(status, "cannot write the pixels of " + path);
  writeBeamTable(file.get(), meta, &status);
  check(status, "cannot write the beams of " + path);
  fits_close_file(file.release(), &status);
  check(status, "cannot close " + path);
}

}  // namespace ptclean::imager
