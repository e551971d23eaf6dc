// The keys of `ptclean image` (tclean's names and defaults) and the settings derived from them.
//
//   Config cfg = Config::load(imageKeys(), "run.toml", {"niter=0"});
//   ImagingSettings settings = imagingSettingsFrom(cfg);   // throws ConfigError naming the key
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "ms_reader.h"
#include "ptclean/deconvolution/auto_mask.h"

namespace ptclean::imager {

enum class Weighting { Natural, Uniform, Briggs };
enum class MaskMode { User, AutoMultiThresh };
enum class SaveModel { None, ModelColumn };

/// specmode='cube' (cube_keys.cpp): tclean's spectral keys.
struct CubeSettings {
  long nchan = -1;                 ///< -1: as many as cover the data
  std::string start, width;        ///< as given: '' (data), a channel number, a frequency or a velocity
  std::string outframe = "LSRK";
  std::string veltype = "radio";   ///< radio or optical
  double restfreq_hz = 0.0;        ///< 0: none given
  bool linear = false;             ///< interpolation: nearest (false) or linear
  bool perchanweightdensity = true;
  bool common_beam = false;        ///< restoringbeam = 'common'
};

struct ImagingSettings {
  std::vector<std::string> vis;
  std::string datacolumn = "corrected";
  MsSelectionKeys selection;
  std::string imagename;
  std::size_t nx = 100, ny = 100;
  double cell_x_rad = 0.0, cell_y_rad = 0.0;
  std::string phasecenter;  ///< "" = first selected field
  std::string stokes = "I";
  std::string specmode = "mfs";
  bool w_correction = false;  ///< gridder 'standard' = false; 'wproject', 'widefield', 'wstack' = true
  double gridder_accuracy = 1e-4;
  bool small_inversion = true;
  Weighting weighting = Weighting::Natural;
  double robust = 0.5;
  std::vector<double> uvtaper_rad;  ///< [] or [bmaj] or [bmaj, bmin, bpa(rad)] image-plane FWHM
  long niter = 0;
  std::string deconvolver = "hogbom";
  long nterms = 2;                     ///< mtmfs
  double reffreq_hz = 0.0;             ///< mtmfs; 0: the middle of the selected band
  std::vector<double> scales;          ///< multiscale, pixels
  double smallscalebias = 0.0;
  double gain = 0.1;
  double threshold_jy = 0.0;
  double nsigma = 0.0;
  long cycleniter = -1;
  double cyclefactor = 1.0;
  double minpsffraction = 0.05;
  double maxpsffraction = 0.8;
  long nmajor = -1;
  double psfcutoff = 0.35;
  std::vector<double> restoringbeam_rad;  ///< [] (fit the PSF) or [bmaj, bmin, bpa]
  MaskMode usemask = MaskMode::User;
  std::vector<std::string> mask;         ///< region texts, region files or mask images ([] = no mask)
  deconvolution::AutoMaskSettings automask;
  SaveModel savemodel = SaveModel::None;
  double pblimit = 0.2;
  bool pbcor = false;
  std::string pbmodel = "auto";
  double max_memory_bytes = 0.0;         ///< per rank; 0 = no limit (keep all data in memory)
  bool checkpoint = false;               ///< <imagename>.checkpoint.h5 after each major cycle
  std::optional<int> threads;
  CubeSettings cube;
};

const std::vector<KeySpec>& imageKeys();
ImagingSettings imagingSettingsFrom(const Config& config);

/// The keys of deconvolution, masks, restoring and outputs (deconvolution_keys.cpp).
const std::vector<KeySpec>& deconvolutionKeys();
void readDeconvolutionSettings(const Config& config, ImagingSettings& settings);

/// The keys of specmode='cube' (cube_keys.cpp).
const std::vector<KeySpec>& cubeKeys();
void readCubeSettings(const Config& config, ImagingSettings& settings);

}  // namespace ptclean::imager
