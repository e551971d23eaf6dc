#include "ms_concat.h"

#include <casacore/casa/Arrays/Vector.h>
#include <casacore/casa/Exceptions/Error.h>
#include <casacore/ms/MeasurementSets/MeasurementSet.h>
#include <casacore/tables/Tables/ScalarColumn.h>
#include <casacore/tables/Tables/Table.h>
#include <casacore/tables/Tables/TableDesc.h>

#include <algorithm>
#include <limits>
#include <set>
#include <stdexcept>

#include "ms_concat_antennas.h"
#include "ms_concat_fields.h"
#include "ms_concat_main_ids.h"
#include "ms_concat_rows.h"
#include "ms_concat_spectral.h"

// The merge itself. Its pieces: ms_concat_rows (generic row merging), ms_concat_antennas,
// ms_concat_spectral and ms_concat_fields (the subtables that CASA matches by value), and
// ms_concat_main_ids (the main table's ID columns); ms_concat_undo and ms_concat_edits hold the
// rest of ms_concat.h.
namespace ptclean::imager {

using casacore::AipsError;
using casacore::Int;
using casacore::Table;
using concat::Count;
using concat::counted;
using concat::IdMap;
using concat::mergeAntennas;
using concat::mergeDataDescriptions;
using concat::mergeEqualRows;
using concat::mergeFeeds;
using concat::mergeFields;
using concat::mergePolarizations;
using concat::mergeSources;
using concat::mergeSpectralWindows;
using concat::openSubtable;
using concat::subtableNamesOf;

ConcatInput inspectConcatInput(const std::string& path) {
  ConcatInput input;
  try {
    const casacore::MeasurementSet ms(path, casacore::TableLock(casacore::TableLock::AutoNoReadLocking), Table::Old);
    input.rows = ms.nrow();
    input.first_time = std::numeric_limits<double>::infinity();
    if (input.rows > 0) {
      const casacore::Vector<double> times = casacore::ScalarColumn<double>(ms, "TIME").getColumn();
      input.first_time = *std::min_element(times.begin(), times.end());
    }
    for (const auto& name : ms.tableDesc().columnNames()) input.columns.push_back(name);
    std::sort(input.columns.begin(), input.columns.end());
  } catch (const AipsError& error) {
    throw std::runtime_error("vis '" + path + "' is not a MeasurementSet: " + std::string(error.getMesg()));
  }
  return input;
}

std::vector<std::string> concatSubtables(const std::string& ms) {
  try {
    return subtableNamesOf(Table(ms, casacore::TableLock(casacore::TableLock::AutoNoReadLocking)));
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot read the subtables of " + ms + ": " + std::string(error.getMesg()));
  }
}

int maxScanNumber(const std::string& ms) {
  try {
    const Table main(ms);
    if (main.nrow() == 0) return 0;
    const casacore::Vector<Int> scans = casacore::ScalarColumn<Int>(main, "SCAN_NUMBER").getColumn();
    return std::max(0, *std::max_element(scans.begin(), scans.end()));
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot read SCAN_NUMBER of " + ms + ": " + std::string(error.getMesg()));
  }
}

MergeSummary mergeConcatMember(const std::string& reference, const std::string& member,
                               const ConcatTolerances& tolerances, int& max_scan) {
  MergeSummary summary;
  try {
    const Table ref_main(reference);
    Table main(member, Table::Update);
    auto both = [&](const std::string& name, Table& to, Table& from) {
      to = openSubtable(ref_main, name, true);
      from = openSubtable(main, name, false);
      return !to.isNull() && !from.isNull();
    };
    auto need = [&](const std::string& name, Table& to, Table& from) {
      if (!both(name, to, from))
        throw std::runtime_error(std::string(to.isNull() ? reference : member) + " has no " + name + " table");
    };
    std::vector<std::string> notes;
    Table to, from;
    Count antenna_count, spw_count, pol_count, dd_count, field_count, source_count, state_count, obs_count,
        proc_count;
    concat::MainTableIds ids;  // what the main table's ID columns become

    need("ANTENNA", to, from);
    ids.antennas = {mergeAntennas(to, from, antenna_count), from.nrow()};
    need("SPECTRAL_WINDOW", to, from);
    const IdMap spws = mergeSpectralWindows(to, from, tolerances.freq_hz, spw_count);
    need("POLARIZATION", to, from);
    const IdMap pols = mergePolarizations(to, from, pol_count);
    need("DATA_DESCRIPTION", to, from);
    ids.data_descriptions = {mergeDataDescriptions(to, from, spws, pols, dd_count), from.nrow()};
    need("FEED", to, from);
    const std::size_t feeds_added = mergeFeeds(to, from, ids.antennas.map, spws);

    IdMap sources;
    if (both("SOURCE", to, from)) {
      sources = mergeSources(to, from, spws, tolerances.dir_rad, source_count);
    } else if (!from.isNull() && from.nrow() > 0) {
      notes.push_back("its SOURCE rows are not kept: " + reference + " has no SOURCE table");
    }
    need("FIELD", to, from);
    ids.fields = {mergeFields(to, from, sources, tolerances, field_count), from.nrow()};

    // STATE: as CASA, when only one of the two has states, the member's rows get none (-1).
    if (both("STATE", to, from) && from.nrow() > 0) {
      ids.states.rows = from.nrow();
      if (to.nrow() == 0) {
        ids.states_dropped = true;
        notes.push_back("its STATE_IDs become -1: " + reference + " has no STATE rows");
      } else {
        ids.states.map = mergeEqualRows(to, from, {}, state_count);
      }
    }
    need("OBSERVATION", to, from);
    ids.observations_before = to.nrow();
    ids.observations = {mergeEqualRows(to, from, {}, obs_count), from.nrow()};
    if (both("PROCESSOR", to, from)) ids.processors = {mergeEqualRows(to, from, {}, proc_count), from.nrow()};

    // Every other subtable: its rows, renumbered, unless the reference has them already.
    static const std::set<std::string> kDone = {"ANTENNA", "SPECTRAL_WINDOW", "POLARIZATION", "DATA_DESCRIPTION",
                                                "FEED", "SOURCE", "FIELD", "STATE", "OBSERVATION", "PROCESSOR"};
    const concat::Remaps remaps = {{"ANTENNA_ID", &ids.antennas.map},
                                   {"SPECTRAL_WINDOW_ID", &spws},
                                   {"POLARIZATION_ID", &pols},
                                   {"DATA_DESC_ID", &ids.data_descriptions.map},
                                   {"FIELD_ID", &ids.fields.map},
                                   {"SOURCE_ID", &sources},
                                   {"STATE_ID", &ids.states.map},
                                   {"OBSERVATION_ID", &ids.observations.map},
                                   {"PROCESSOR_ID", &ids.processors.map}};
    std::vector<std::string> others;
    for (const auto& name : subtableNamesOf(main)) {
      if (kDone.count(name) || (name == "POINTING" && !tolerances.copy_pointing)) continue;
      if (!both(name, to, from)) {
        if (to.isNull()) notes.push_back("its " + name + " table stays its own: " + reference + " has none");
        continue;
      }
      Count c;
      mergeEqualRows(to, from, remaps, c);
      if (c.added > 0) others.push_back(name + " +" + std::to_string(c.added));
    }
    to = Table();
    from = Table();

    // The main table: ID columns only.
    const concat::MainTableChange change = concat::renumberMainTable(main, ids, max_scan);
    summary.reversed_baselines = change.reversed_baselines;

    summary.text = counted("ANTENNA", antenna_count) + " (FEED +" + std::to_string(feeds_added) + "), " +
                   counted("SPECTRAL_WINDOW", spw_count) + ", " + counted("POLARIZATION", pol_count) + ", " +
                   counted("DATA_DESCRIPTION", dd_count) + ", " + counted("FIELD", field_count) + ", " +
                   counted("SOURCE", source_count) + ", " + counted("STATE", state_count) + ", " +
                   counted("OBSERVATION", obs_count) + ", " + counted("PROCESSOR", proc_count);
    if (!others.empty()) {
      summary.text += "; rows added to";
      for (const auto& o : others) summary.text += " " + o;
    }
    if (change.scan_offset > 0) summary.text += "; scan numbers + " + std::to_string(change.scan_offset);
    for (const auto& note : notes) summary.text += "; " + note;
  } catch (const AipsError& error) {
    throw std::runtime_error("cannot merge " + member + " into " + reference + ": " + std::string(error.getMesg()));
  }
  return summary;
}

}  // namespace ptclean::imager
