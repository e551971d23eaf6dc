// The keys of `ptclean image` that shape CLEAN, masks, restoring and what is saved: tclean's
// names and defaults.
#include <algorithm>
#include <cctype>

#include "imaging_settings.h"

namespace ptclean::imager {
namespace {

/// "8GB", "512MB", "2GiB" or a bare number of gigabytes (as WSClean's -abs-mem), to bytes.
double parseMemory(const Config& config, const std::string& key) {
  const std::string text = config.rawToml(key);
  if (text.empty() || (text[0] != '\'' && text[0] != '"')) return config.real(key) * 1e9;
  const std::string value = config.string(key);
  std::size_t used = 0;
  double number = 0.0;
  try {
    number = std::stod(value, &used);
  } catch (const std::exception&) {
    throw ConfigError("key '" + key + "': '" + value + "' is not a memory size such as '8GB'");
  }
  std::string unit = value.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  for (auto& c : unit) c = char(std::tolower(static_cast<unsigned char>(c)));
  const std::pair<const char*, double> units[] = {{"", 1e9},       {"b", 1.0},      {"kb", 1e3},
                                                  {"mb", 1e6},     {"gb", 1e9},     {"tb", 1e12},
                                                  {"kib", 1024.0}, {"mib", 1048576.0}, {"gib", 1073741824.0}};
  for (const auto& [name, scale] : units)
    if (unit == name) return number * scale;
  throw ConfigError("key '" + key + "': unknown unit '" + unit + "' in '" + value + "' (use B, kB, MB, GB, GiB)");
}

}  // namespace

const std::vector<KeySpec>& deconvolutionKeys() {
  static const std::vector<KeySpec> keys = {
      {"niter", KeyType::Int, "0", "maximum minor-cycle iterations in all (0: dirty image and PSF only)"},
      {"deconvolver", KeyType::String, "'hogbom'", "hogbom, clark, multiscale or mtmfs (multi-term: spectral index)"},
      {"nterms", KeyType::Int, "2", "mtmfs: Taylor terms, 1 to 3"},
      {"reffreq", KeyType::Any, "''", "mtmfs: reference frequency of the Taylor expansion ('' = the middle of the selected band)"},
      {"scales", KeyType::DoubleList, "[]", "multiscale: scale sizes in pixels, e.g. [0, 5, 15] ([] = chosen from the PSF)"},
      {"smallscalebias", KeyType::Double, "0.0", "multiscale: -1 (favour large scales) to 1 (favour small ones)"},
      {"gain", KeyType::Double, "0.1", "loop gain of the minor cycle"},
      {"threshold", KeyType::Any, "0.0", "stopping threshold: '0.1mJy' or a number in Jy"},
      {"nsigma", KeyType::Double, "0.0", "stop at nsigma x the robust rms of the residual (0: off)"},
      {"cycleniter", KeyType::Int, "-1", "maximum iterations per minor cycle (-1: niter)"},
      {"cyclefactor", KeyType::Double, "1.0", "scales the PSF sidelobe level in the cycle threshold"},
      {"minpsffraction", KeyType::Double, "0.05", "lower clamp of sidelobe x cyclefactor"},
      {"maxpsffraction", KeyType::Double, "0.8", "upper clamp of sidelobe x cyclefactor"},
      {"nmajor", KeyType::Int, "-1", "maximum major cycles after the first (-1: unlimited)"},
      {"psfcutoff", KeyType::Double, "0.35", "PSF level down to which the main lobe is fitted for the beam"},
      {"restoringbeam", KeyType::StringList, "[]", "restoring beam instead of the fit: ['10arcsec'] or [bmaj, bmin, bpa]"},
      {"usemask", KeyType::String, "'user'", "user (the `mask` key) or auto-multithresh"},
      {"mask", KeyType::StringList, "[]", "usemask='user': CASA region text ('circle[[40pix,50pix],6pix]'), a region file or a mask image; a list is their union"},
      {"sidelobethreshold", KeyType::Double, "3.0", "auto-multithresh: mask threshold in units of the PSF sidelobe level x peak residual"},
      {"noisethreshold", KeyType::Double, "5.0", "auto-multithresh: mask threshold in units of the rms"},
      {"lownoisethreshold", KeyType::Double, "1.5", "auto-multithresh: threshold, in rms, down to which the mask grows"},
      {"negativethreshold", KeyType::Double, "0.0", "auto-multithresh: threshold, in rms, for masking negative features (0: off)"},
      {"smoothfactor", KeyType::Double, "1.0", "auto-multithresh: the mask is smoothed by this x the beam"},
      {"minbeamfrac", KeyType::Double, "0.3", "auto-multithresh: regions smaller than this x the beam area are pruned"},
      {"cutthreshold", KeyType::Double, "0.01", "auto-multithresh: cut of the smoothed mask, as a fraction of its peak"},
      {"growiterations", KeyType::Int, "75", "auto-multithresh: binary dilation steps when growing the mask"},
      {"dogrowprune", KeyType::Bool, "true", "auto-multithresh: prune the grown mask too"},
      {"minpercentchange", KeyType::Double, "-1.0", "auto-multithresh: stop updating once the mask changes by less (%; -1: never stop)"},
      {"fastnoise", KeyType::Bool, "true", "auto-multithresh: rms from the whole residual"},
      {"savemodel", KeyType::String, "'none'", "none or modelcolumn (write MODEL_DATA after the last cycle)"},
      {"pblimit", KeyType::Double, "0.2", "primary-beam level below which .image.pbcor is blank (NaN)"},
      {"pbcor", KeyType::Bool, "false", "also write <imagename>.image.pbcor: the image divided by the primary beam"},
      {"pbmodel", KeyType::String, "'auto'", "primary beam of <imagename>.pb: auto (alma for ALMA, vla for the VLA, else airy), airy (dish from ANTENNA), alma or vla (Perley's fits)"},
      {"max_memory", KeyType::Any, "0", "visibility memory per rank, '8GB' or a number of GB; beyond it, stream from the MS (0: no limit)"},
      {"checkpoint", KeyType::Bool, "false", "write <imagename>.checkpoint.h5 after each major cycle, for `ptclean image --restart` (docs/reliability.md)"},
  };
  return keys;
}

void readDeconvolutionSettings(const Config& config, ImagingSettings& s) {
  s.niter = config.integer("niter");
  s.deconvolver = config.string("deconvolver");
  if (s.deconvolver != "hogbom" && s.deconvolver != "clark" && s.deconvolver != "multiscale" && s.deconvolver != "mtmfs")
    throw ConfigError("key 'deconvolver': '" + s.deconvolver + "' is not available; use hogbom, clark, multiscale or mtmfs");
  s.nterms = config.integer("nterms");
  if (s.nterms < 1 || s.nterms > 3) throw ConfigError("key 'nterms' must be 1, 2 or 3");
  const std::string reffreq = config.rawToml("reffreq").empty() ? "" : config.string("reffreq");
  s.reffreq_hz = reffreq.empty() ? 0.0 : parseFrequency(reffreq, "key 'reffreq'");
  s.scales = config.realList("scales");
  for (double scale : s.scales)
    if (!(scale >= 0.0)) throw ConfigError("key 'scales' must hold sizes >= 0 pixels");
  s.smallscalebias = config.real("smallscalebias");
  if (!(s.smallscalebias >= -1.0 && s.smallscalebias <= 1.0))
    throw ConfigError("key 'smallscalebias' must be in [-1, 1]");
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

  auto beam = config.stringList("restoringbeam");
  if (beam.size() == 1 && beam[0] == "common") beam.clear();  // one plane in mfs: the fit is common
  if (beam.size() > 3) throw ConfigError("key 'restoringbeam' takes at most [bmaj, bmin, bpa]");
  for (const auto& item : beam) s.restoringbeam_rad.push_back(parseAngle(item, "key 'restoringbeam'"));
  if (s.restoringbeam_rad.size() == 1) s.restoringbeam_rad.push_back(s.restoringbeam_rad[0]);
  if (s.restoringbeam_rad.size() == 2) s.restoringbeam_rad.push_back(0.0);
  if (!s.restoringbeam_rad.empty() && !(s.restoringbeam_rad[0] > 0.0 && s.restoringbeam_rad[1] > 0.0))
    throw ConfigError("key 'restoringbeam' must give positive major and minor axes");

  const std::string usemask = config.string("usemask");
  if (usemask == "user") s.usemask = MaskMode::User;
  else if (usemask == "auto-multithresh") s.usemask = MaskMode::AutoMultiThresh;
  else if (usemask == "pb") throw ConfigError("key 'usemask': 'pb' needs a primary beam, which ptclean does not make yet; use user or auto-multithresh");
  else throw ConfigError("key 'usemask': '" + usemask + "' must be user or auto-multithresh");
  for (const auto& item : config.stringList("mask"))
    if (!item.empty()) s.mask.push_back(item);
  if (s.usemask == MaskMode::AutoMultiThresh && !s.mask.empty())
    throw ConfigError("key 'mask' is for usemask='user'; with auto-multithresh leave it empty");
  auto& a = s.automask;
  a.sidelobethreshold = config.real("sidelobethreshold");
  a.noisethreshold = config.real("noisethreshold");
  a.lownoisethreshold = config.real("lownoisethreshold");
  a.negativethreshold = config.real("negativethreshold");
  a.smoothfactor = config.real("smoothfactor");
  a.minbeamfrac = config.real("minbeamfrac");
  a.cutthreshold = config.real("cutthreshold");
  a.growiterations = int(config.integer("growiterations"));
  a.dogrowprune = config.boolean("dogrowprune");
  a.minpercentchange = config.real("minpercentchange");
  a.fastnoise = config.boolean("fastnoise");
  try {
    a.validate();
  } catch (const std::invalid_argument& error) {
    throw ConfigError(error.what());  // names the key
  }

  s.pblimit = config.real("pblimit");
  if (!(s.pblimit > 0.0 && s.pblimit < 1.0)) throw ConfigError("key 'pblimit' must be in (0, 1)");
  s.pbcor = config.boolean("pbcor");
  s.pbmodel = config.string("pbmodel");
  if (s.pbmodel != "auto" && s.pbmodel != "airy" && s.pbmodel != "alma" && s.pbmodel != "vla")
    throw ConfigError("key 'pbmodel': '" + s.pbmodel + "' must be auto, airy, alma or vla");
  const std::string savemodel = config.string("savemodel");
  if (savemodel == "none") s.savemodel = SaveModel::None;
  else if (savemodel == "modelcolumn") s.savemodel = SaveModel::ModelColumn;
  else if (savemodel == "virtual")
    throw ConfigError("key 'savemodel': 'virtual' would change the MS's SOURCE table; ptclean writes only MODEL_DATA (use modelcolumn or none)");
  else throw ConfigError("key 'savemodel': '" + savemodel + "' must be none or modelcolumn");
  s.max_memory_bytes = parseMemory(config, "max_memory");
  if (!(s.max_memory_bytes >= 0.0)) throw ConfigError("key 'max_memory' must be >= 0");
  s.checkpoint = config.boolean("checkpoint");
  if (s.checkpoint && (s.deconvolver == "mtmfs" || config.string("specmode") != "mfs"))
    throw ConfigError("key 'checkpoint': supported for specmode='mfs' with hogbom, clark or multiscale, not with "
                      "specmode='" + config.string("specmode") + "' and deconvolver='" + s.deconvolver + "'");
  if (s.deconvolver == "mtmfs") {
    if (s.savemodel != SaveModel::None) throw ConfigError("key 'savemodel': not supported with deconvolver='mtmfs' yet");
    if (config.string("specmode") != "mfs") throw ConfigError("key 'deconvolver': mtmfs needs specmode='mfs'");
  }
}

}  // namespace ptclean::imager
