#include "ms_oracle.h"

#include <casacore/casa/Arrays/Matrix.h>
#include <casacore/casa/Arrays/Vector.h>
#include <casacore/measures/Measures/Stokes.h>
#include <casacore/tables/Tables/ArrayColumn.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>
#include <fitsio.h>

#include <map>
#include <stdexcept>

namespace ptclean::testing {

std::vector<OracleSpw> readStokesIOracle(const std::string& ms_path, const std::string& column) {
  casacore::Table ms(ms_path);
  casacore::Table dd_table(ms_path + "/DATA_DESCRIPTION"), spw_table(ms_path + "/SPECTRAL_WINDOW"),
      pol_table(ms_path + "/POLARIZATION");
  casacore::ScalarColumn<int> dd_spw(dd_table, "SPECTRAL_WINDOW_ID"), dd_pol(dd_table, "POLARIZATION_ID");
  casacore::ArrayColumn<double> chan_freq(spw_table, "CHAN_FREQ");
  casacore::ArrayColumn<int> corr_type(pol_table, "CORR_TYPE");
  casacore::ArrayColumn<casacore::Complex> data(ms, column);
  casacore::ArrayColumn<bool> flag(ms, "FLAG");
  casacore::ArrayColumn<float> weight(ms, "WEIGHT");
  const bool has_spectrum = ms.tableDesc().isColumn("WEIGHT_SPECTRUM");
  casacore::ArrayColumn<float> spectrum;
  if (has_spectrum) spectrum.attach(ms, "WEIGHT_SPECTRUM");
  casacore::ArrayColumn<double> uvw(ms, "UVW");
  casacore::ScalarColumn<int> a1(ms, "ANTENNA1"), a2(ms, "ANTENNA2"), dd(ms, "DATA_DESC_ID");
  casacore::ScalarColumn<bool> flag_row(ms, "FLAG_ROW");

  std::map<int, OracleSpw> out;
  for (casacore::rownr_t row = 0; row < ms.nrow(); ++row) {
    if (a1(row) == a2(row) || flag_row(row)) continue;
    const int d = dd(row);
    casacore::Vector<int> corrs(corr_type(dd_pol(d)));
    int p = -1, q = -1;
    for (size_t i = 0; i < corrs.size(); ++i) {
      if (corrs[i] == casacore::Stokes::RR || corrs[i] == casacore::Stokes::XX) p = int(i);
      if (corrs[i] == casacore::Stokes::LL || corrs[i] == casacore::Stokes::YY) q = int(i);
    }
    if (p < 0 || q < 0) throw std::runtime_error("oracle: needs both parallel hands");
    OracleSpw& spw = out[d];
    casacore::Vector<double> freqs(chan_freq(dd_spw(d)));
    if (spw.freq.empty()) spw.freq.assign(freqs.begin(), freqs.end());
    casacore::Matrix<casacore::Complex> v(data(row));
    casacore::Matrix<bool> f(flag(row));
    casacore::Vector<float> w(weight(row));
    casacore::Matrix<float> ws;
    if (has_spectrum && spectrum.isDefined(row)) ws = spectrum(row);
    casacore::Vector<double> uv(uvw(row));
    spw.uvw.insert(spw.uvw.end(), uv.begin(), uv.end());
    for (size_t c = 0; c < freqs.size(); ++c) {
      const float wp = ws.empty() ? w[p] : ws(p, c), wq = ws.empty() ? w[q] : ws(q, c);
      const bool bad = f(p, c) || f(q, c) || !(wp > 0) || !(wq > 0);
      spw.vis.push_back(bad ? 0.0f : 0.5f * (v(p, c) + v(q, c)));
      spw.weight.push_back(bad ? 0.0f : 4.0f / (1.0f / wp + 1.0f / wq));
    }
  }
  std::vector<OracleSpw> result;
  for (auto& [d, spw] : out) result.push_back(std::move(spw));
  return result;
}

FitsImage readFits(const std::string& path) {
  fitsfile* file = nullptr;
  int status = 0;
  if (fits_open_file(&file, path.c_str(), READONLY, &status))
    throw std::runtime_error("cannot open FITS " + path);
  FitsImage image;
  int naxis = 0;
  long axes[4] = {1, 1, 1, 1};
  fits_get_img_dim(file, &naxis, &status);
  fits_get_img_size(file, 4, axes, &status);
  image.nx = axes[0];
  image.ny = axes[1];
  image.planes = axes[2] * axes[3];
  image.pixels.resize(size_t(image.nx * image.ny * image.planes));
  long first[4] = {1, 1, 1, 1};
  fits_read_pix(file, TDOUBLE, first, LONGLONG(image.pixels.size()), nullptr, image.pixels.data(), nullptr, &status);
  char text[FLEN_VALUE];
  auto key = [&](const char* name, double& value) {
    int s = 0;
    fits_read_key(file, TDOUBLE, name, &value, nullptr, &s);
  };
  auto skey = [&](const char* name, std::string& value) {
    int s = 0;
    if (!fits_read_key(file, TSTRING, name, text, nullptr, &s)) value = text;
  };
  key("CRVAL1", image.crval1); key("CRVAL2", image.crval2);
  key("CDELT1", image.cdelt1); key("CDELT2", image.cdelt2);
  key("CRPIX1", image.crpix1); key("CRPIX2", image.crpix2);
  key("BMAJ", image.bmaj); key("BMIN", image.bmin); key("BPA", image.bpa);
  skey("CTYPE1", image.ctype1); skey("CTYPE2", image.ctype2); skey("BUNIT", image.bunit);
  fits_close_file(file, &status);
  if (status) throw std::runtime_error("error reading FITS " + path);
  return image;
}

}  // namespace ptclean::testing
