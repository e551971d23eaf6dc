#include "ptclean/partition/sub_ms_plan.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <utility>

namespace ptclean::partition {

SeparationAxis separationAxisFromName(const std::string& name) {
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "auto") return SeparationAxis::Auto;
  if (lower == "scan") return SeparationAxis::Scan;
  if (lower == "spw") return SeparationAxis::Spw;
  if (lower == "baseline") return SeparationAxis::Baseline;
  throw std::invalid_argument("separationaxis must be one of auto, scan, spw, baseline (got '" +
                              name + "')");
}

std::string axisTypeText(SeparationAxis axis) {
  switch (axis) {
    case SeparationAxis::Auto:
      return "scan,spw";
    case SeparationAxis::Scan:
      return "scan";
    case SeparationAxis::Spw:
      return "spw";
    case SeparationAxis::Baseline:
      return "baseline";
  }
  throw std::invalid_argument("axisTypeText: unknown separation axis");
}

namespace {

// Each planner returns a provisional Sub-MS per row; some Sub-MSs may be left empty, and
// compactPlan() renumbers the used ones.
using Provisional = std::vector<std::size_t>;

std::size_t absDiff(std::size_t a, std::size_t b) { return a > b ? a - b : b - a; }

// Whole groups (scans or spws) to the Sub-MS with the fewest visibilities, largest group first.
Provisional wholeGroups(std::span<const RowKey> rows, int RowKey::*key, std::size_t numsubms) {
  std::map<int, std::size_t> group_vis;
  for (const RowKey& row : rows) group_vis[row.*key] += row.visibilities;
  std::vector<std::pair<int, std::size_t>> groups(group_vis.begin(), group_vis.end());
  // Largest first; equal sizes keep ascending key order (the map's order).
  std::stable_sort(groups.begin(), groups.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  const std::size_t n = std::min(numsubms, groups.size());
  std::vector<std::size_t> vis(n, 0), count(n, 0);
  std::map<int, std::size_t> sub_ms_of_group;
  for (const auto& [group, group_visibilities] : groups) {
    std::size_t best = 0;
    for (std::size_t s = 1; s < n; ++s) {
      // Emptiest by visibilities; an empty Sub-MS before one holding zero-visibility groups.
      if (vis[s] < vis[best] || (vis[s] == vis[best] && count[s] == 0 && count[best] > 0)) {
        best = s;
      }
    }
    vis[best] += group_visibilities;
    ++count[best];
    sub_ms_of_group[group] = best;
  }
  Provisional out(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out[r] = sub_ms_of_group[rows[r].*key];
  return out;
}

// The sorted baseline list cut into contiguous, non-empty runs of similar visibility count.
Provisional baselineRuns(std::span<const RowKey> rows, std::size_t numsubms) {
  std::map<std::pair<int, int>, std::size_t> baseline_vis;
  for (const RowKey& row : rows) baseline_vis[{row.antenna1, row.antenna2}] += row.visibilities;
  const std::size_t nb = baseline_vis.size();
  const std::size_t n = std::min(numsubms, nb);
  std::vector<std::size_t> prefix(nb + 1, 0);  // prefix[i]: visibilities of baselines [0, i)
  std::size_t i = 0;
  for (const auto& entry : baseline_vis) {
    prefix[i + 1] = prefix[i] + entry.second;
    ++i;
  }
  const std::size_t total = prefix[nb];
  // Run k ends at the cut nearest to (k + 1) / n of the total, leaving a baseline for each
  // later run. n * prefix <= n * total, which fits while total is far below 2^64 / n.
  std::vector<std::size_t> run_end(n, nb);
  std::size_t begin = 0;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    const std::size_t target = (k + 1) * total;
    const std::size_t last = nb - (n - 1 - k);  // latest cut that leaves the later runs a baseline
    std::size_t cut = begin + 1;
    std::size_t best = absDiff(n * prefix[cut], target);
    // The first nearest cut; once a cut reaches the target, later ones are no nearer.
    for (std::size_t c = begin + 2; c <= last && n * prefix[c - 1] < target; ++c) {
      const std::size_t d = absDiff(n * prefix[c], target);
      if (d < best) {
        best = d;
        cut = c;
      }
    }
    run_end[k] = cut;
    begin = cut;
  }
  std::map<std::pair<int, int>, std::size_t> sub_ms_of_baseline;
  std::size_t b = 0, run = 0;
  for (const auto& entry : baseline_vis) {
    while (b >= run_end[run]) ++run;
    sub_ms_of_baseline[entry.first] = run;
    ++b;
  }
  Provisional out(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    out[r] = sub_ms_of_baseline[{rows[r].antenna1, rows[r].antenna2}];
  }
  return out;
}

// CASA's balanced scan,spw partition (casatasks partitionhelper.getPartitionMap): (scan,
// data_desc) pairs, largest first, each to the Sub-MS with the largest joint gap below the
// reference level on the scan, data_desc and field axes; ties to the Sub-MS with fewest
// visibilities, then to the lowest index.
Provisional balancedScanSpw(std::span<const RowKey> rows, std::size_t numsubms) {
  struct Pair {
    int scan, data_desc, field;  // field: that of the pair's first row, as CASA's map keeps
    std::size_t visibilities = 0;
  };
  std::vector<Pair> pairs;
  std::map<std::pair<int, int>, std::size_t> pair_index;
  std::vector<std::size_t> pair_of_row(rows.size());
  std::map<int, std::size_t> scan_total, dd_total, field_total;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const RowKey& row = rows[r];
    auto [it, added] = pair_index.try_emplace({row.scan, row.data_desc}, pairs.size());
    if (added) pairs.push_back({row.scan, row.data_desc, row.field});
    pairs[it->second].visibilities += row.visibilities;
    pair_of_row[r] = it->second;
    scan_total[row.scan] += row.visibilities;
    dd_total[row.data_desc] += row.visibilities;
    field_total[row.field] += row.visibilities;
  }
  const std::size_t n = std::min(numsubms, pairs.size());

  // Descending visibilities, then descending scan and data_desc (CASA reverses a lexsort).
  std::vector<std::size_t> order(pairs.size());
  for (std::size_t p = 0; p < order.size(); ++p) order[p] = p;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const Pair &x = pairs[a], &y = pairs[b];
    if (x.visibilities != y.visibilities) return x.visibilities > y.visibilities;
    if (x.scan != y.scan) return x.scan > y.scan;
    return x.data_desc > y.data_desc;
  });

  // Visibilities of each scan, data_desc and field held by each Sub-MS so far.
  std::map<int, std::vector<std::size_t>> scan_held, dd_held, field_held;
  std::vector<std::size_t> sub_vis(n, 0), sub_pairs(n, 0), gap(n);
  std::vector<std::size_t> sub_ms_of_pair(pairs.size());
  auto addGap = [&](std::vector<std::size_t>& held, std::size_t axis_total) {
    if (held.empty()) held.assign(n, 0);
    // The reference level is the fair share, or the largest holding when that is above it.
    const std::size_t ref = std::max(axis_total / n, *std::max_element(held.begin(), held.end()));
    for (std::size_t s = 0; s < n; ++s) gap[s] += ref - held[s];
  };
  for (std::size_t p : order) {
    const Pair& pair = pairs[p];
    std::fill(gap.begin(), gap.end(), 0);
    addGap(scan_held[pair.scan], scan_total[pair.scan]);
    addGap(dd_held[pair.data_desc], dd_total[pair.data_desc]);
    addGap(field_held[pair.field], field_total[pair.field]);
    std::size_t best = 0;
    for (std::size_t s = 1; s < n; ++s) {
      if (gap[s] != gap[best]) {
        if (gap[s] > gap[best]) best = s;
      } else if (sub_vis[s] != sub_vis[best]) {
        if (sub_vis[s] < sub_vis[best]) best = s;
      } else if (sub_pairs[s] == 0 && sub_pairs[best] > 0) {
        best = s;  // an empty Sub-MS before one holding only zero-visibility pairs
      }
    }
    sub_ms_of_pair[p] = best;
    sub_vis[best] += pair.visibilities;
    ++sub_pairs[best];
    scan_held[pair.scan][best] += pair.visibilities;
    dd_held[pair.data_desc][best] += pair.visibilities;
    field_held[pair.field][best] += pair.visibilities;
  }
  Provisional out(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) out[r] = sub_ms_of_pair[pair_of_row[r]];
  return out;
}

// Drops unused Sub-MSs and numbers the others by their first row.
SubMsPlan compactPlan(std::span<const RowKey> rows, const Provisional& provisional) {
  SubMsPlan plan;
  plan.sub_ms_of_row.resize(rows.size());
  std::map<std::size_t, int> renumbered;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto [it, added] = renumbered.try_emplace(provisional[r], static_cast<int>(plan.sub_ms_count));
    if (added) {
      ++plan.sub_ms_count;
      plan.visibilities_per_sub_ms.push_back(0);
    }
    plan.sub_ms_of_row[r] = it->second;
    plan.visibilities_per_sub_ms[it->second] += rows[r].visibilities;
  }
  return plan;
}

}  // namespace

SubMsPlan planSubMss(std::span<const RowKey> rows, SeparationAxis axis, std::size_t numsubms) {
  if (numsubms == 0) throw std::invalid_argument("numsubms must be at least 1");
  switch (axis) {
    case SeparationAxis::Auto:
      return compactPlan(rows, balancedScanSpw(rows, numsubms));
    case SeparationAxis::Scan:
      return compactPlan(rows, wholeGroups(rows, &RowKey::scan, numsubms));
    case SeparationAxis::Spw:
      return compactPlan(rows, wholeGroups(rows, &RowKey::spw, numsubms));
    case SeparationAxis::Baseline:
      return compactPlan(rows, baselineRuns(rows, numsubms));
  }
  throw std::invalid_argument("planSubMss: unknown separation axis");
}

}  // namespace ptclean::partition
