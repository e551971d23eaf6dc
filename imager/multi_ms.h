// C++17-clean. Recognises and describes a Multi-MS (CASA's layout: a ConcatTable with its
// Sub-MSs under SUBMSS/), for listpartition and for imaging one Sub-MS group per rank.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace ptclean::imager {

/// True when `path` is a Multi-MS (a concatenated table with a SUBMSS folder).
bool isMultiMs(const std::string& path);

struct SubMsScan {
  std::size_t rows = 0;
  std::vector<int> spws;    ///< in increasing order
  std::vector<int> nchans;  ///< per spw
};

struct SubMsSummary {
  std::string path;
  std::string size;                   ///< as `du -hs` prints it, e.g. "4.5M"
  std::map<int, SubMsScan> scans;
};

struct MultiMsSummary {
  bool multi = false;                 ///< false: a plain MS, listed as one part
  std::string axis;                   ///< "scan,spw", "scan", "spw", "baseline" (from the readme)
  std::vector<SubMsSummary> parts;
};

/// The Sub-MS paths of a Multi-MS, in order, after checking that each exists and that every
/// subtable link resolves. Throws std::runtime_error naming the broken path.
std::vector<std::string> subMsPaths(const std::string& path);

/// Rows of the table at `path`; throws std::runtime_error naming it when it cannot be opened.
std::size_t tableRows(const std::string& path);

/// The separation axis a Multi-MS's readme names ("scan,spw", "scan", ...; "" if none).
std::string multiMsAxis(const std::string& path);

/// True when every Sub-MS of the Multi-MS `vis` holds, for each of its scans, every spw of that
/// scan that `spw_expression` selects: then a task that joins the spws of a baseline and time
/// (uvcontsub combine='spw', mstransform combinespws) can run Sub-MS by Sub-MS.
bool subMssHoldEverySpw(const std::string& vis, const std::string& spw_expression);

/// Reads what listpartition prints. Throws std::runtime_error naming the path that is wrong.
MultiMsSummary summariseMultiMs(const std::string& path);

}  // namespace ptclean::imager
