// Damaged MeasurementSets (imager/ms_validation.h, the MS reader's counting): each case damages
// a copy of a small simulated MS with python-casacore and expects one clear message. Data
// problems are flagged, counted and warned about once per cause, and the image stays finite;
// structural problems stop the run with an error naming the MS, the table and the row.
// docs/user-guide.md lists the same table.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "ms_oracle.h"
#include "test_support.h"

using ptclean::testing::runCommand;

namespace {

struct Damage {
  std::string name;
  std::string python;    ///< statements with `ms` (the path), `t` (the main table, writable), `np`
  bool fails;            ///< the run must fail (else: succeed with a warning)
  std::string expected;  ///< in the output
};

const std::vector<Damage>& damages() {
  static const std::vector<Damage> cases{
      {"nan_visibilities", "d = t.getcol('DATA'); d[0:5, 0, 0] = np.nan; d[5, 1, 3] = np.inf; t.putcol('DATA', d)",
       false, "6 samples with NaN or Inf visibilities were flagged"},
      {"inf_weights", "w = t.getcol('WEIGHT_SPECTRUM'); w[0:3, 0, 0] = np.inf; t.putcol('WEIGHT_SPECTRUM', w)", false,
       "3 samples with NaN, Inf or negative weights were flagged"},
      {"negative_weights", "w = t.getcol('WEIGHT_SPECTRUM'); w[0:2, :, 3] = -1; t.putcol('WEIGHT_SPECTRUM', w)", false,
       "8 samples with NaN, Inf or negative weights were flagged"},
      {"nan_uvw", "u = t.getcol('UVW'); u[0:4, 1] = np.nan; t.putcol('UVW', u)", false,
       "4 rows with NaN or Inf UVW were flagged"},
      {"zero_baselines", "u = t.getcol('UVW'); u[0:2, :] = 0; t.putcol('UVW', u)", false,
       "2 cross-correlation rows with zero-length baselines (UVW = 0) were flagged"},
      // Rows removed from a standard storage manager table that keeps a stale row count.
      {"damaged_spectral_window",
       "s = table(ms + '/SPECTRAL_WINDOW', readonly=False, ack=False); s.removerows(list(range(s.nrows()))); s.close()",
       true, "/SPECTRAL_WINDOW"},
      {"no_rows",
       "t.close(); import shutil; src = table(ms, ack=False); src.selectrows([]).copy(ms + '.empty', deep=True); "
       "src.close(); shutil.rmtree(ms); shutil.move(ms + '.empty', ms)",
       true, "the main table has no rows"},
      {"bad_data_desc_id", "x = t.getcol('DATA_DESC_ID'); x[3] = 7; t.putcol('DATA_DESC_ID', x)", true,
       "row 3: DATA_DESC_ID 7 does not exist (DATA_DESCRIPTION has 1 rows)"},
      {"bad_antenna", "x = t.getcol('ANTENNA1'); x[0] = 99; t.putcol('ANTENNA1', x)", true,
       "row 0: ANTENNA1 99 does not exist (ANTENNA has 27 rows)"},
      {"bad_field", "x = t.getcol('FIELD_ID'); x[2] = 5; t.putcol('FIELD_ID', x)", true,
       "row 2: FIELD_ID 5 does not exist (FIELD has 1 rows)"},
      {"missing_spectral_window_row",
       "d = table(ms + '/DATA_DESCRIPTION', readonly=False, ack=False); d.putcell('SPECTRAL_WINDOW_ID', 0, 3); d.close()",
       true, "DATA_DESCRIPTION row 0 refers to spectral window 3, which does not exist"},
      {"wrong_data_shape",
       "p = table(ms + '/POLARIZATION', readonly=False, ack=False); p.putcell('NUM_CORR', 0, 2); p.close()", true,
       "DATA has shape [4, 4] in row 0, but its data description 0 says 2 correlations x 4 channels"},
      {"no_data_column", "t.removecols('DATA')", true, "datacolumn: DATA is absent"},
      {"missing_subtable_folder", "import shutil; t.close(); shutil.rmtree(ms + '/SPECTRAL_WINDOW')", true,
       "SPECTRAL_WINDOW"},
  };
  return cases;
}

}  // namespace

TEST(DamagedMs, EachDamageGivesItsMessage) {
  ptclean::testing::TempDir dir("damaged");
  const std::string pristine = dir / "pristine.ms";
  auto sim = runCommand(ptclean::testing::ptcleanBinary() + " simulate --set vis=" + pristine +
                        " --set nchan=4 --set nintegrations=10 --set noise=0.1");
  ASSERT_EQ(sim.exit_code, 0) << sim.output;
  for (const auto& damage : damages()) {
    const std::string ms = dir / (damage.name + ".ms");
    ASSERT_EQ(runCommand("cp -r " + pristine + " " + ms).exit_code, 0);
    const std::string script = dir / (damage.name + ".py");
    std::ofstream(script) << "import numpy as np\nfrom casacore.tables import table\nms = '" << ms
                          << "'\nt = table(ms, readonly=False, ack=False)\n" << damage.python << "\n"
                          << "try:\n    t.close()\nexcept Exception:\n    pass\n";
    auto damaged = runCommand("/usr/bin/python3 " + script);
    ASSERT_EQ(damaged.exit_code, 0) << damage.name << ": " << damaged.output;
    const std::string image = dir / damage.name;
    auto run = runCommand(ptclean::testing::ptcleanBinary() + " image --set vis=" + ms + " --set imagename=" + image +
                          " --set imsize=64 --set cell=20arcsec --set datacolumn=data --set niter=10");
    EXPECT_NE(run.output.find(damage.expected), std::string::npos) << damage.name << ":\n" << run.output;
    if (damage.fails) {
      EXPECT_NE(run.exit_code, 0) << damage.name;
      EXPECT_NE(run.output.find("ptclean: error:"), std::string::npos) << damage.name << ":\n" << run.output;
      EXPECT_FALSE(std::filesystem::exists(image + ".image.fits")) << damage.name << " left an image";
    } else {
      ASSERT_EQ(run.exit_code, 0) << damage.name << ":\n" << run.output;
      const auto restored = ptclean::testing::readFits(image + ".image.fits");
      for (double v : restored.pixels) ASSERT_TRUE(std::isfinite(v)) << damage.name << ": a non-finite pixel";
    }
  }
}
