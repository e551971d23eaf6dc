// `ptclean listobs`: its summary of a simulated MS (several scans, fields and spws, descending
// channels), of a Multi-MS of it and of real VLA data, each checked against python-casacore;
// the text form, the listfile and bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_support.h"

using namespace ptclean::testing;
namespace fs = std::filesystem;

namespace {

// An independent reading of what listobs reports, per scan (in scan-number order, which is time
// order in these MSs) and per spw, as JSON.
const char* const kOracleScript = R"(import json, sys
import numpy as np
from casacore import tables as t
ms = sys.argv[1]
main = t.table(ms, ack=False)
scan, field, dd = main.getcol('SCAN_NUMBER'), main.getcol('FIELD_ID'), main.getcol('DATA_DESC_ID')
time, state = main.getcol('TIME'), main.getcol('STATE_ID')
spw_of = t.table(ms + '/DATA_DESCRIPTION', ack=False).getcol('SPECTRAL_WINDOW_ID')
spws = t.table(ms + '/SPECTRAL_WINDOW', ack=False)
modes = t.table(ms + '/STATE', ack=False)
modes = list(modes.getcol('OBS_MODE')) if modes.nrows() else []
antennas = set(main.getcol('ANTENNA1').tolist()) | set(main.getcol('ANTENNA2').tolist())
out = {'rows': main.nrows(), 'scans': [], 'spws': [],
       'antenna_rows': t.table(ms + '/ANTENNA', ack=False).nrows(), 'antennas_in_use': len(antennas),
       'elapsed_s': float(time.max() - time.min()),
       'telescope': t.table(ms + '/OBSERVATION', ack=False).getcell('TELESCOPE_NAME', 0)}
for s in sorted(set(scan.tolist())):
    rows = scan == s
    out['scans'].append({'scan': s, 'rows': int(rows.sum()), 'fields': sorted(set(field[rows].tolist())),
                         'spws': sorted(set(spw_of[dd[rows]].tolist())),
                         'intents': sorted(set(intent for i in set(state[rows].tolist()) if 0 <= i < len(modes)
                                               for intent in modes[i].split(',') if intent))})
for row in range(spws.nrows()):
    freqs = spws.getcell('CHAN_FREQ', row)
    out['spws'].append({'nchan': int(spws.getcell('NUM_CHAN', row)), 'first_freq_hz': float(freqs[0]),
                        'step_hz': float(freqs[1] - freqs[0]) if len(freqs) > 1 else 0.0})
print(json.dumps(out))
)";

std::string simulate(const TempDir& dir, const std::string& name) {
  const std::string ms = dir / name;
  auto r = runCommand(ptcleanBinary() + " simulate --set vis=" + ms +
                      " --set array=vla --set nspw=2 --set nchan=4 --set nintegrations=4 --set nscans=3"
                      " --set chanwidth=-1MHz --set 'fields=[\"J2000 09h01m00.0 34d10m00.0\"]' --set noise=0.1");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  return ms;
}

nlohmann::json parsed(const CommandResult& r) {
  EXPECT_EQ(r.exit_code, 0) << r.output;
  auto json = nlohmann::json::parse(r.output, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << r.output;
  return json;
}

/// listobs --json of `vis` (standard output only: the log goes to standard error).
nlohmann::json listObsJson(const std::string& vis) {
  return parsed(runCommand(ptcleanBinary() + " listobs " + vis + " --json 2>/dev/null"));
}

nlohmann::json oracle(const TempDir& dir, const std::string& vis) {
  const std::string script = dir / "listobs_oracle.py";
  std::ofstream(script) << kOracleScript;
  return parsed(runCommand("/usr/bin/python3 " + script + " " + vis + " 2>/dev/null"));
}

/// What listobs and python-casacore both say: rows, scans (rows, field, spws, intents), spws
/// (channels, first frequency, direction), antennas.
void expectAgreesWithOracle(const nlohmann::json& summary, const nlohmann::json& truth) {
  EXPECT_EQ(summary["rows"], truth["rows"]);
  ASSERT_EQ(summary["scans"].size(), truth["scans"].size()) << summary["scans"].dump(1);
  std::size_t scan_rows = 0;
  for (std::size_t i = 0; i < truth["scans"].size(); ++i) {
    const auto &listed = summary["scans"][i], &expected = truth["scans"][i];
    SCOPED_TRACE("scan " + expected["scan"].dump());
    EXPECT_EQ(listed["scan"], expected["scan"]);
    EXPECT_EQ(listed["rows"], expected["rows"]);
    ASSERT_EQ(expected["fields"].size(), 1u) << "the oracle assumes one field per scan";
    EXPECT_EQ(listed["field_id"], expected["fields"][0]);
    EXPECT_EQ(listed["spw_ids"], expected["spws"]);
    EXPECT_EQ(listed["intents"], expected["intents"]);
    EXPECT_GT(listed["mean_interval_s"].get<double>(), 0.0);
    EXPECT_LE(listed["start"].get<std::string>(), listed["end"].get<std::string>());
    scan_rows += listed["rows"].get<std::size_t>();
  }
  EXPECT_EQ(scan_rows, summary["rows"].get<std::size_t>());
  ASSERT_EQ(summary["spws"].size(), truth["spws"].size());
  for (std::size_t i = 0; i < truth["spws"].size(); ++i) {
    const auto &listed = summary["spws"][i], &expected = truth["spws"][i];
    EXPECT_EQ(listed["nchan"], expected["nchan"]) << "spw " << i;
    EXPECT_DOUBLE_EQ(listed["first_freq_hz"].get<double>(), expected["first_freq_hz"].get<double>()) << "spw " << i;
    if (expected["step_hz"].get<double>() != 0.0) {
      EXPECT_EQ(std::signbit(listed["chan_width_hz"].get<double>()), std::signbit(expected["step_hz"].get<double>()))
          << "spw " << i;
    }
  }
  EXPECT_EQ(summary["antennas"].size(), truth["antenna_rows"].get<std::size_t>());
  EXPECT_EQ(summary["antennas_in_use"], truth["antennas_in_use"]);
  EXPECT_NEAR(summary["observation"]["elapsed_s"].get<double>(), truth["elapsed_s"].get<double>(), 1e-6);
  EXPECT_EQ(summary["observation"]["telescopes"], nlohmann::json::array({truth["telescope"]}));
}

}  // namespace

TEST(ListObs, SimulatedMsAgreesWithPythonCasacore) {
  TempDir dir("listobs-sim");
  const std::string ms = simulate(dir, "sim.ms");
  const auto summary = listObsJson(ms);
  expectAgreesWithOracle(summary, oracle(dir, ms));
  EXPECT_EQ(summary["ms"], ms);
  EXPECT_EQ(summary["rows"], 27u * 26u / 2u * 4u * 3u * 2u);
  EXPECT_EQ(summary["scans"].size(), 3u);
  EXPECT_EQ(summary["antennas"].size(), 27u);
  EXPECT_NE(summary["data_columns"].dump().find("\"DATA\""), std::string::npos) << summary["data_columns"];
  ASSERT_EQ(summary["spws"].size(), 2u);
  for (const auto& spw : summary["spws"]) {
    EXPECT_EQ(spw["nchan"], 4);
    EXPECT_DOUBLE_EQ(spw["chan_width_hz"].get<double>(), -1e6);  // descending channels
    EXPECT_EQ(spw["frame"], "TOPO");
    EXPECT_EQ(spw["correlations"], nlohmann::json::array({"RR", "RL", "LR", "LL"}));
  }
  EXPECT_NEAR(summary["spws"][0]["first_freq_hz"].get<double>(), 1.4e9, 1.0);
  ASSERT_EQ(summary["fields"].size(), 2u);
  EXPECT_EQ(summary["fields"][0]["rows"].get<std::size_t>() + summary["fields"][1]["rows"].get<std::size_t>(),
            summary["rows"].get<std::size_t>());
  EXPECT_EQ(summary["fields"][0]["ra"], "09:00:00.000");
  EXPECT_EQ(summary["fields"][0]["dec"], "+34.00.00.000");
  EXPECT_EQ(summary["fields"][1]["ra"], "09:01:00.000");
  EXPECT_EQ(summary["fields"][1]["dec"], "+34.10.00.000");
  EXPECT_EQ(summary["fields"][1]["epoch"], "J2000");
  for (const auto& antenna : summary["antennas"]) {
    EXPECT_TRUE(antenna["in_use"].get<bool>());
    ASSERT_TRUE(antenna.contains("offset_from_array_centre_m")) << antenna;
    // The simulated D configuration lies flat, 1 m above the VLA's position in casacore's
    // Observatories table, within 650 m of it: a wrong vertical would show here.
    const auto offset = antenna["offset_from_array_centre_m"].get<std::vector<double>>();
    EXPECT_LT(std::hypot(offset[0], offset[1]), 1000.0) << antenna;
    EXPECT_LT(std::abs(offset[2]), 5.0) << antenna;
  }
}

TEST(ListObs, MultiMsSummaryEqualsItsSource) {
  TempDir dir("listobs-mms");
  const std::string ms = simulate(dir, "src.ms"), mms = dir / "src.mms";
  auto r = runCommand(ptcleanBinary() + " partition --vis " + ms + " --outputvis " + mms + " --numsubms 2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  auto plain = listObsJson(ms), multi = listObsJson(mms);
  EXPECT_EQ(multi["ms"], mms);
  plain.erase("ms");
  multi.erase("ms");
  EXPECT_EQ(plain, multi) << nlohmann::json::diff(plain, multi).dump(1);
}

TEST(ListObs, TextListsScansFieldsSpwsAndAntennas) {
  TempDir dir("listobs-text");
  const std::string ms = simulate(dir, "sim.ms");
  auto r = runCommand(ptcleanBinary() + " listobs " + ms + " 2>/dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const std::string& expected :
       {"MeasurementSet Name:  " + ms, std::string("Observation: VLA"),
        "Data records: " + std::to_string(27 * 26 / 2 * 24),
        std::string("Total elapsed time = "), std::string("Observed from   01-Jan-2024/"), std::string("\nScans: 3\n"),
        std::string("OBSERVE_TARGET#ON_SOURCE"), std::string("\nFields: 2\n"), std::string("09:01:00.000"),
        std::string("+34.10.00.000"),
        std::string("Spectral Windows:  (2 unique spectral windows and 1 unique polarization setups)"),
        std::string("RR  RL  LR  LL"), std::string("\nAntennas: 27:\n"),
        std::string("ITRF Geocentric coordinates (m)")})
    EXPECT_NE(r.output.find(expected), std::string::npos) << expected << "\n" << r.output;
}

TEST(ListObs, ListfileIsWrittenOnceUnlessOverwrite) {
  TempDir dir("listobs-file");
  const std::string ms = simulate(dir, "sim.ms"), listfile = dir / "sim.listobs";
  auto first = runCommand(ptcleanBinary() + " listobs " + ms + " --listfile " + listfile + " 2>/dev/null");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(first.output.find("Scans:"), std::string::npos) << "the listing went to standard output: " << first.output;
  std::stringstream written;
  written << std::ifstream(listfile).rdbuf();
  EXPECT_NE(written.str().find("\nScans: 3\n"), std::string::npos) << written.str();

  auto refused = runCommand(ptcleanBinary() + " listobs " + ms + " --json --listfile " + listfile);
  EXPECT_NE(refused.exit_code, 0) << refused.output;
  EXPECT_NE(refused.output.find(listfile), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("overwrite"), std::string::npos) << refused.output;
  std::stringstream unchanged;
  unchanged << std::ifstream(listfile).rdbuf();
  EXPECT_EQ(unchanged.str(), written.str());

  auto overwritten = runCommand(ptcleanBinary() + " listobs " + ms + " --json --listfile " + listfile + " --overwrite");
  ASSERT_EQ(overwritten.exit_code, 0) << overwritten.output;
  std::ifstream json_file(listfile);
  const auto summary = nlohmann::json::parse(json_file, nullptr, false);
  ASSERT_FALSE(summary.is_discarded());
  EXPECT_EQ(summary["scans"].size(), 3u);
}

TEST(ListObs, BadVisIsNamed) {
  TempDir dir("listobs-bad");
  const std::string folder = dir / "not_an.ms", missing = dir / "nowhere.ms";
  fs::create_directory(folder);
  std::ofstream(fs::path(folder) / "notes.txt") << "not a table\n";
  auto r = runCommand(ptcleanBinary() + " listobs " + folder);
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("vis '" + folder + "' is not a MeasurementSet"), std::string::npos) << r.output;
  r = runCommand(ptcleanBinary() + " listobs " + missing + " --json");
  EXPECT_NE(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("vis '" + missing + "' does not exist"), std::string::npos) << r.output;
}

TEST(ListObs, RealVlaMs) {
  if (!haveSharedData("vla_day2_tdem0003.ms.tgz")) GTEST_SKIP() << "no shared data";
  TempDir dir("listobs-vla");
  const std::string ms = unpackSharedMs("vla_day2_tdem0003.ms.tgz", dir.path()).string();
  UnchangedGuard unchanged(ms);
  const auto summary = listObsJson(ms);
  expectAgreesWithOracle(summary, oracle(dir, ms));
  EXPECT_EQ(summary["rows"], 1360);
  ASSERT_EQ(summary["scans"].size(), 1u);
  EXPECT_EQ(summary["scans"][0]["rows"], 1360);
  EXPECT_EQ(summary["scans"][0]["field_name"], "J1008+0730");
  EXPECT_TRUE(summary["scans"][0]["intents"].empty()) << "its STATE table is empty";
  ASSERT_EQ(summary["spws"].size(), 1u);
  EXPECT_EQ(summary["spws"][0]["nchan"], 64);
  EXPECT_EQ(summary["spws"][0]["correlations"], nlohmann::json::array({"RR", "RL", "LR", "LL"}));
  EXPECT_EQ(summary["antennas"].size(), 28u);  // the ANTENNA table's rows
  EXPECT_EQ(summary["antennas_in_use"], 18);
  EXPECT_NEAR(summary["observation"]["elapsed_s"].get<double>(), 80.0, 0.01);
  EXPECT_EQ(summary["observation"]["start"].get<std::string>().substr(0, 10), "2010-04-26");
  auto text = runCommand(ptcleanBinary() + " listobs " + ms + " 2>/dev/null");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("Antennas: 18 with data (the ANTENNA table has 28 rows):"), std::string::npos)
      << text.output;
  EXPECT_NE(text.output.find("Observed from   26-Apr-2010/03:21:56.0"), std::string::npos) << text.output;
}
