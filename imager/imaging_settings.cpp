#include "imaging_settings.h"

#include <algorithm>

namespace ptclean::imager {

const std::vector<KeySpec>& imageKeys() {
  static const std::vector<KeySpec> keys = {
      {"vis", KeyType::StringList, "", "required: MeasurementSet(s) to image, a path or a list of paths"},
      {"datacolumn", KeyType::String, "'corrected'", "data, corrected or model; corrected falls back to data when absent"},
      {"field", KeyType::String, "''", "field selection, CASA syntax"},
      {"spw", KeyType::String, "''", "spectral window and channel selection, e.g. '0:5~60'"},
      {"timerange", KeyType::String, "''", "time selection, CASA syntax"},
      {"uvrange", KeyType::String, "''", "uv-distance selection, e.g. '>100m' or '0~10klambda'"},
      {"antenna", KeyType::String, "''", "antenna/baseline selection, CASA syntax"},
      {"scan", KeyType::String, "''", "scan selection"},
      {"observation", KeyType::String, "''", "observation id selection"},
      {"intent", KeyType::String, "''", "scan intent selection, e.g. '*TARGET*'"},
      {"correlation", KeyType::String, "''", "correlations used, e.g. 'RR,LL' ('' = all)"},
      {"imagename", KeyType::String, "", "required: output prefix, <imagename>.psf, .residual, .image, .model, .sumwt (+ .fits)"},
      {"imsize", KeyType::IntList, "[100]", "image size in pixels: n or [nx, ny]"},
      {"cell", KeyType::Any, "'1arcsec'", "pixel size: '0.5arcsec' or ['0.5arcsec', '0.5arcsec']"},
      {"phasecenter", KeyType::Any, "''", "field id or direction 'J2000 10h08m00 07d30m00' ('' = first field)"},
      {"stokes", KeyType::String, "'I'", "Stokes planes; 'I' is supported"},
      {"specmode", KeyType::String, "'mfs'", "'mfs' (continuum) or 'cube' (one plane per output channel)"},
      {"gridder", KeyType::String, "'standard'", "'standard' (no w-term) or 'wproject'/'widefield'/'wstack' (w-stacking)"},
      {"gridder_accuracy", KeyType::Double, "1e-4", "relative accuracy of the image against a DFT; picks kernel and precision"},
      {"small_inversion", KeyType::Bool, "true", "grid on a grid sized for the data's reach, then interpolate the image (exact)"},
      {"weighting", KeyType::String, "'natural'", "natural, uniform or briggs"},
      {"robust", KeyType::Double, "0.5", "Briggs robustness, -2 (uniform) to 2 (natural)"},
      {"uvtaper", KeyType::StringList, "[]", "Gaussian taper as image-plane FWHM: ['10arcsec'] or [bmaj, bmin, bpa]"},
      {"threads", KeyType::Int, "", "OpenMP threads per rank (default: OMP_NUM_THREADS, else cores / ranks per node)"},
  };
  static const std::vector<KeySpec> all = [] {
    std::vector<KeySpec> joined = keys;
    const auto& more = deconvolutionKeys();
    joined.insert(joined.end(), more.begin(), more.end());
    const auto& cube = cubeKeys();
    joined.insert(joined.end(), cube.begin(), cube.end());
    return joined;
  }();
  return all;
}

ImagingSettings imagingSettingsFrom(const Config& config) {
  ImagingSettings s;
  s.vis = config.stringList("vis");
  if (s.vis.empty()) throw ConfigError("key 'vis' is empty: give a MeasurementSet path");
  s.datacolumn = config.string("datacolumn");
  s.selection = {config.string("field"),     config.string("spw"),       config.string("scan"),
                 config.string("antenna"),   config.string("timerange"), config.string("uvrange"),
                 config.string("intent"),    config.string("observation"), config.string("correlation")};
  s.imagename = config.string("imagename");
  if (s.imagename.empty()) throw ConfigError("key 'imagename' is empty");

  auto size = config.intList("imsize");
  if (size.empty() || size.size() > 2) throw ConfigError("key 'imsize' must be n or [nx, ny]");
  if (*std::min_element(size.begin(), size.end()) < 2)
    throw ConfigError("key 'imsize' must be at least 2 pixels, got " + std::to_string(size[0]));
  s.nx = std::size_t(size[0]);
  s.ny = std::size_t(size.size() > 1 ? size[1] : size[0]);
  auto cells = config.angleListRad("cell", "arcsec");
  if (cells.size() > 2) throw ConfigError("key 'cell' must be one or two angles");
  s.cell_x_rad = cells[0];
  s.cell_y_rad = cells.size() > 1 ? cells[1] : cells[0];
  if (!(s.cell_x_rad > 0) || !(s.cell_y_rad > 0)) throw ConfigError("key 'cell' must be positive");
  if (s.nx * s.cell_x_rad > 2.0 || s.ny * s.cell_y_rad > 2.0)
    throw ConfigError("keys 'imsize' x 'cell' cover more than the visible hemisphere");

  const std::string centre_text = config.rawToml("phasecenter");
  if (centre_text.size() > 0 && centre_text[0] != '\'' && centre_text[0] != '"')
    s.phasecenter = centre_text;  // an integer field id
  else
    s.phasecenter = config.string("phasecenter");

  s.stokes = config.string("stokes");
  if (s.stokes != "I")
    throw ConfigError("key 'stokes': '" + s.stokes + "' is not supported yet; only 'I' is");
  s.specmode = config.string("specmode");
  if (s.specmode != "mfs" && s.specmode != "cube")
    throw ConfigError("key 'specmode': '" + s.specmode + "' is not supported yet; 'mfs' and 'cube' are");
  const std::string gridder = config.string("gridder");
  if (gridder == "standard") {
    s.w_correction = false;
  } else if (gridder == "wproject" || gridder == "widefield" || gridder == "wstack" || gridder == "wgridder") {
    s.w_correction = true;
  } else {
    throw ConfigError("key 'gridder': '" + gridder + "' must be standard, wproject, widefield or wstack");
  }
  s.gridder_accuracy = config.real("gridder_accuracy");
  s.small_inversion = config.boolean("small_inversion");
  if (!(s.gridder_accuracy >= 1e-8 && s.gridder_accuracy < 0.1))
    throw ConfigError("key 'gridder_accuracy' must be in [1e-8, 0.1), got " + config.rawToml("gridder_accuracy"));

  const std::string weighting = config.string("weighting");
  if (weighting == "natural") s.weighting = Weighting::Natural;
  else if (weighting == "uniform") s.weighting = Weighting::Uniform;
  else if (weighting == "briggs") s.weighting = Weighting::Briggs;
  else throw ConfigError("key 'weighting': '" + weighting + "' must be natural, uniform or briggs");
  s.robust = config.real("robust");
  if (s.robust < -2.0 || s.robust > 2.0) throw ConfigError("key 'robust' must be between -2 and 2");

  auto taper = config.stringList("uvtaper");
  if (taper.size() > 3) throw ConfigError("key 'uvtaper' takes at most [bmaj, bmin, bpa]");
  for (std::size_t i = 0; i < taper.size(); ++i)
    if (!taper[i].empty()) s.uvtaper_rad.push_back(parseAngle(taper[i], "key 'uvtaper'"));

  readDeconvolutionSettings(config, s);
  readCubeSettings(config, s);
  if (config.has("threads")) {
    long threads = config.integer("threads");
    if (threads < 1) throw ConfigError("key 'threads' must be at least 1");
    s.threads = int(threads);
  }
  return s;
}

}  // namespace ptclean::imager
