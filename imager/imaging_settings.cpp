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
      {"specmode", KeyType::String, "'mfs'", "'mfs' (continuum)"},
      {"gridder", KeyType::String, "'standard'", "'standard' (no w-term) or 'wproject'/'widefield'/'wstack' (w-stacking)"},
      {"gridder_accuracy", KeyType::Double, "1e-4", "relative accuracy of the image against a DFT; picks kernel and precision"},
      {"weighting", KeyType::String, "'natural'", "natural, uniform or briggs"},
      {"robust", KeyType::Double, "0.5", "Briggs robustness, -2 (uniform) to 2 (natural)"},
      {"uvtaper", KeyType::StringList, "[]", "Gaussian taper as image-plane FWHM: ['10arcsec'] or [bmaj, bmin, bpa]"},
      {"niter", KeyType::Int, "0", "maximum minor-cycle iterations in all (0: dirty image and PSF only)"},
      {"deconvolver", KeyType::String, "'hogbom'", "hogbom or clark"},
      {"gain", KeyType::Double, "0.1", "loop gain of the minor cycle"},
      {"threshold", KeyType::Any, "0.0", "stopping threshold: '0.1mJy' or a number in Jy"},
      {"nsigma", KeyType::Double, "0.0", "stop at nsigma x the robust rms of the residual (0: off)"},
      {"cycleniter", KeyType::Int, "-1", "maximum iterations per minor cycle (-1: niter)"},
      {"cyclefactor", KeyType::Double, "1.0", "scales the PSF sidelobe level in the cycle threshold"},
      {"minpsffraction", KeyType::Double, "0.05", "lower clamp of sidelobe x cyclefactor"},
      {"maxpsffraction", KeyType::Double, "0.8", "upper clamp of sidelobe x cyclefactor"},
      {"nmajor", KeyType::Int, "-1", "maximum major cycles after the first (-1: unlimited)"},
      {"psfcutoff", KeyType::Double, "0.35", "PSF level down to which the main lobe is fitted for the beam"},
      {"threads", KeyType::Int, "", "OpenMP threads per rank (default: OMP_NUM_THREADS, else cores / ranks per node)"},
  };
  return keys;
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
  if (s.specmode != "mfs")
    throw ConfigError("key 'specmode': '" + s.specmode + "' is not supported yet; only 'mfs' is");
  const std::string gridder = config.string("gridder");
  if (gridder == "standard") {
    s.w_correction = false;
  } else if (gridder == "wproject" || gridder == "widefield" || gridder == "wstack" || gridder == "wgridder") {
    s.w_correction = true;
  } else {
    throw ConfigError("key 'gridder': '" + gridder + "' must be standard, wproject, widefield or wstack");
  }
  s.gridder_accuracy = config.real("gridder_accuracy");
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

  s.niter = config.integer("niter");
  s.deconvolver = config.string("deconvolver");
  if (s.deconvolver != "hogbom" && s.deconvolver != "clark")
    throw ConfigError("key 'deconvolver': '" + s.deconvolver + "' is not available; use hogbom or clark");
  s.gain = config.real("gain");
  {
    const std::string text = config.rawToml("threshold");
    if (!text.empty() && (text[0] == '\'' || text[0] == '"')) {
      s.threshold_jy = parseFluxDensity(config.string("threshold"), "key 'threshold'");
    } else {
      s.threshold_jy = config.real("threshold");
    }
  }
  s.nsigma = config.real("nsigma");
  s.cycleniter = config.integer("cycleniter");
  s.cyclefactor = config.real("cyclefactor");
  s.minpsffraction = config.real("minpsffraction");
  s.maxpsffraction = config.real("maxpsffraction");
  s.nmajor = config.integer("nmajor");
  if (s.niter < 0) throw ConfigError("key 'niter' must be >= 0");
  if (!(s.gain > 0.0 && s.gain <= 1.0)) throw ConfigError("key 'gain' must be in (0, 1]");
  if (!(s.threshold_jy >= 0.0)) throw ConfigError("key 'threshold' must be >= 0");
  if (!(s.nsigma >= 0.0)) throw ConfigError("key 'nsigma' must be >= 0");
  if (s.cycleniter == 0 || s.cycleniter < -1) throw ConfigError("key 'cycleniter' must be -1 or >= 1");
  if (!(s.cyclefactor > 0.0)) throw ConfigError("key 'cyclefactor' must be > 0");
  if (!(s.minpsffraction >= 0.0 && s.minpsffraction <= 1.0)) throw ConfigError("key 'minpsffraction' must be in [0, 1]");
  if (!(s.maxpsffraction >= s.minpsffraction && s.maxpsffraction <= 1.0))
    throw ConfigError("key 'maxpsffraction' must be in [minpsffraction, 1]");
  if (s.nmajor == 0 || s.nmajor < -1) throw ConfigError("key 'nmajor' must be -1 or >= 1");
  s.psfcutoff = config.real("psfcutoff");
  if (!(s.psfcutoff > 0.0 && s.psfcutoff < 1.0)) throw ConfigError("key 'psfcutoff' must be in (0, 1)");
  if (config.has("threads")) {
    long threads = config.integer("threads");
    if (threads < 1) throw ConfigError("key 'threads' must be at least 1");
    s.threads = int(threads);
  }
  return s;
}

}  // namespace ptclean::imager
