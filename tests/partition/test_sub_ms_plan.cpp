#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ptclean/partition/sub_ms_plan.h"

using ptclean::partition::axisTypeText;
using ptclean::partition::planSubMss;
using ptclean::partition::RowKey;
using ptclean::partition::SeparationAxis;
using ptclean::partition::separationAxisFromName;
using ptclean::partition::SubMsPlan;

namespace {

// A time-ordered MS: for each scan, `rows_of_scan[scan]` integrations, each with one row per
// data description (data_desc d is spw d with `vis_of_spw[d]` channels x correlations).
// Fields alternate with the scans (calibrator, target). Baseline of every row is (0, 1).
std::vector<RowKey> scanSpwGrid(const std::vector<int>& rows_of_scan,
                                const std::vector<std::size_t>& vis_of_spw) {
  std::vector<RowKey> rows;
  for (int scan = 0; scan < static_cast<int>(rows_of_scan.size()); ++scan) {
    for (int t = 0; t < rows_of_scan[scan]; ++t) {
      for (int dd = 0; dd < static_cast<int>(vis_of_spw.size()); ++dd) {
        rows.push_back({scan, dd, dd, scan % 2, 0, 1, vis_of_spw[dd]});
      }
    }
  }
  return rows;
}

std::size_t totalVisibilities(const std::vector<RowKey>& rows) {
  std::size_t total = 0;
  for (const RowKey& r : rows) total += r.visibilities;
  return total;
}

// What must hold for any plan: every row in a used Sub-MS, none empty, visibilities add up,
// Sub-MSs numbered by their first row, and the same input giving the same plan.
void expectValidPlan(const std::vector<RowKey>& rows, SeparationAxis axis, std::size_t numsubms,
                     const SubMsPlan& plan) {
  ASSERT_EQ(plan.sub_ms_of_row.size(), rows.size());
  ASSERT_EQ(plan.visibilities_per_sub_ms.size(), plan.sub_ms_count);
  EXPECT_LE(plan.sub_ms_count, numsubms);
  std::vector<std::size_t> recount(plan.sub_ms_count, 0);
  std::vector<std::size_t> rows_in(plan.sub_ms_count, 0);
  int next_new = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const int s = plan.sub_ms_of_row[r];
    ASSERT_GE(s, 0);
    ASSERT_LT(static_cast<std::size_t>(s), plan.sub_ms_count);
    if (rows_in[s] == 0) {
      EXPECT_EQ(s, next_new) << "Sub-MSs are numbered by their first row";
      ++next_new;
    }
    ++rows_in[s];
    recount[s] += rows[r].visibilities;
  }
  for (std::size_t s = 0; s < plan.sub_ms_count; ++s) EXPECT_GT(rows_in[s], 0u) << "Sub-MS " << s;
  EXPECT_EQ(recount, plan.visibilities_per_sub_ms);
  EXPECT_EQ(std::accumulate(plan.visibilities_per_sub_ms.begin(),
                            plan.visibilities_per_sub_ms.end(), std::size_t(0)),
            totalVisibilities(rows));
  const SubMsPlan again = planSubMss(rows, axis, numsubms);
  EXPECT_EQ(again.sub_ms_of_row, plan.sub_ms_of_row);
}

// Largest |count - mean| / mean over the Sub-MSs.
double maxDeviationFromMean(const SubMsPlan& plan) {
  const double mean = std::accumulate(plan.visibilities_per_sub_ms.begin(),
                                      plan.visibilities_per_sub_ms.end(), 0.0) /
                      static_cast<double>(plan.sub_ms_count);
  double worst = 0.0;
  for (std::size_t v : plan.visibilities_per_sub_ms) {
    worst = std::max(worst, std::abs(static_cast<double>(v) - mean) / mean);
  }
  return worst;
}

// Sub-MSs holding rows of each value of `key`.
template <typename Key>
std::map<Key, std::set<int>> subMssOf(const std::vector<RowKey>& rows, const SubMsPlan& plan,
                                      Key (*key)(const RowKey&)) {
  std::map<Key, std::set<int>> out;
  for (std::size_t r = 0; r < rows.size(); ++r) out[key(rows[r])].insert(plan.sub_ms_of_row[r]);
  return out;
}
int scanOf(const RowKey& r) { return r.scan; }
int spwOf(const RowKey& r) { return r.spw; }
std::pair<int, int> baselineOf(const RowKey& r) { return {r.antenna1, r.antenna2}; }
std::pair<int, int> scanDdOf(const RowKey& r) { return {r.scan, r.data_desc}; }

}  // namespace

TEST(SubMsPlan, AxisNamesAndReadmeText) {
  EXPECT_EQ(separationAxisFromName("auto"), SeparationAxis::Auto);
  EXPECT_EQ(separationAxisFromName("scan"), SeparationAxis::Scan);
  EXPECT_EQ(separationAxisFromName("spw"), SeparationAxis::Spw);
  EXPECT_EQ(separationAxisFromName("Baseline"), SeparationAxis::Baseline);
  try {
    separationAxisFromName("field");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("'field'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("separationaxis"), std::string::npos) << e.what();
  }
  EXPECT_EQ(axisTypeText(SeparationAxis::Auto), "scan,spw");
  EXPECT_EQ(axisTypeText(SeparationAxis::Scan), "scan");
  EXPECT_EQ(axisTypeText(SeparationAxis::Spw), "spw");
  EXPECT_EQ(axisTypeText(SeparationAxis::Baseline), "baseline");
}

TEST(SubMsPlan, ZeroSubMssIsRejectedAndNoRowsGiveNoSubMs) {
  const auto rows = scanSpwGrid({2}, {4});
  EXPECT_THROW(planSubMss(rows, SeparationAxis::Auto, 0), std::invalid_argument);
  for (auto axis : {SeparationAxis::Auto, SeparationAxis::Scan, SeparationAxis::Spw,
                    SeparationAxis::Baseline}) {
    const SubMsPlan plan = planSubMss({}, axis, 4);
    EXPECT_EQ(plan.sub_ms_count, 0u);
    EXPECT_TRUE(plan.sub_ms_of_row.empty());
  }
}

// The case: 4 spws x 6 scans of equal size over 4 Sub-MSs.
TEST(SubMsPlan, AutoSharesFourSpwsSixScansEvenlyAndGivesEverySubMsEverySpw) {
  const auto rows = scanSpwGrid({10, 10, 10, 10, 10, 10}, {256, 256, 256, 256});
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Auto, 4);
  expectValidPlan(rows, SeparationAxis::Auto, 4, plan);
  ASSERT_EQ(plan.sub_ms_count, 4u);
  EXPECT_LE(maxDeviationFromMean(plan), 0.25);
  // 24 equal pairs over 4 Sub-MSs: the balance is exact, 6 pairs of 2560 each.
  EXPECT_EQ(plan.visibilities_per_sub_ms, std::vector<std::size_t>(4, 6 * 2560));
  for (const auto& [spw, subs] : subMssOf(rows, plan, spwOf)) {
    EXPECT_EQ(subs.size(), 4u) << "spw " << spw;
  }
  // A (scan, data_desc) pair is never split, and each scan is spread over all 4 Sub-MSs.
  for (const auto& [pair, subs] : subMssOf(rows, plan, scanDdOf)) EXPECT_EQ(subs.size(), 1u);
  for (const auto& [scan, subs] : subMssOf(rows, plan, scanOf)) {
    EXPECT_EQ(subs.size(), 4u) << "scan " << scan;
  }
}

TEST(SubMsPlan, AutoBalancesUnequalScansAndSpws) {
  // Scans of 30, 10, 20, 40, 5 and 25 integrations; spws of 512, 256, 128 and 64 visibilities.
  const auto rows = scanSpwGrid({30, 10, 20, 40, 5, 25}, {512, 256, 128, 64});
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Auto, 4);
  expectValidPlan(rows, SeparationAxis::Auto, 4, plan);
  ASSERT_EQ(plan.sub_ms_count, 4u);
  for (const auto& [pair, subs] : subMssOf(rows, plan, scanDdOf)) EXPECT_EQ(subs.size(), 1u);
  // Sub-MSs of 31360, 29440, 32640 and 31360 visibilities: 5.6% at most from the mean.
  EXPECT_LE(maxDeviationFromMean(plan), 0.10);
  for (const auto& [spw, subs] : subMssOf(rows, plan, spwOf)) {
    EXPECT_EQ(subs.size(), 4u) << "spw " << spw;
  }
}

// Worked by hand from CASA's rule: 2 scans x 2 spws of equal size over 2 Sub-MSs. Pairs go
// (1,1), (1,0), (0,1), (0,0); the scan, spw and field gaps send them to Sub-MS A, B, B, A,
// so each Sub-MS holds both scans and both spws: {(0,0), (1,1)} and {(0,1), (1,0)}.
TEST(SubMsPlan, AutoSharesTwoByTwoDiagonally) {
  const auto rows = scanSpwGrid({3, 3}, {8, 8});
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Auto, 2);
  expectValidPlan(rows, SeparationAxis::Auto, 2, plan);
  ASSERT_EQ(plan.sub_ms_count, 2u);
  std::map<std::pair<int, int>, int> sub;
  for (std::size_t r = 0; r < rows.size(); ++r) sub[scanDdOf(rows[r])] = plan.sub_ms_of_row[r];
  EXPECT_EQ((sub[{0, 0}]), 0);
  EXPECT_EQ((sub[{0, 1}]), 1);
  EXPECT_EQ((sub[{1, 0}]), 1);
  EXPECT_EQ((sub[{1, 1}]), 0);
  EXPECT_EQ(plan.visibilities_per_sub_ms, (std::vector<std::size_t>{48, 48}));
}

TEST(SubMsPlan, AutoMakesNoMoreSubMssThanScanSpwPairs) {
  const auto rows = scanSpwGrid({4, 2}, {16, 16});  // 4 pairs
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Auto, 9);
  expectValidPlan(rows, SeparationAxis::Auto, 9, plan);
  EXPECT_EQ(plan.sub_ms_count, 4u);
  for (const auto& [pair, subs] : subMssOf(rows, plan, scanDdOf)) EXPECT_EQ(subs.size(), 1u);
}

TEST(SubMsPlan, ScanAxisKeepsScansWholeAndBalancesLargestFirst) {
  // Scans of 50, 40, 30, 20 and 10 visibilities: 50 -> A, 40 -> B, 30 -> B, 20 -> A, 10 -> A.
  std::vector<RowKey> rows;
  for (int scan = 0; scan < 5; ++scan) {
    for (int t = 0; t < 5 - scan; ++t) rows.push_back({scan, 0, 0, 0, 0, 1, 10});
  }
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Scan, 2);
  expectValidPlan(rows, SeparationAxis::Scan, 2, plan);
  ASSERT_EQ(plan.sub_ms_count, 2u);
  for (const auto& [scan, subs] : subMssOf(rows, plan, scanOf)) EXPECT_EQ(subs.size(), 1u);
  EXPECT_EQ(plan.visibilities_per_sub_ms, (std::vector<std::size_t>{80, 70}));

  const SubMsPlan capped = planSubMss(rows, SeparationAxis::Scan, 8);
  expectValidPlan(rows, SeparationAxis::Scan, 8, capped);
  EXPECT_EQ(capped.sub_ms_count, 5u);
  for (const auto& [scan, subs] : subMssOf(rows, capped, scanOf)) {
    EXPECT_EQ(*subs.begin(), scan) << "one Sub-MS per scan, in row order";
  }
}

TEST(SubMsPlan, SpwAxisKeepsSpwsWholeAcrossDataDescriptions) {
  // Data descriptions 0 and 1 share spw 0 (two polarization setups); 2 is spw 1, 3 is spw 2.
  std::vector<RowKey> rows;
  const int spw_of_dd[] = {0, 0, 1, 2};
  for (int scan = 0; scan < 3; ++scan) {
    for (int dd = 0; dd < 4; ++dd) {
      for (int t = 0; t < 4; ++t) rows.push_back({scan, dd, spw_of_dd[dd], 0, 0, 1, 100});
    }
  }
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Spw, 2);
  expectValidPlan(rows, SeparationAxis::Spw, 2, plan);
  ASSERT_EQ(plan.sub_ms_count, 2u);
  const auto spws = subMssOf(rows, plan, spwOf);
  for (const auto& [spw, subs] : spws) EXPECT_EQ(subs.size(), 1u) << "spw " << spw;
  // spw 0 (2400) alone; spws 1 and 2 (1200 each) together.
  EXPECT_EQ(plan.visibilities_per_sub_ms, (std::vector<std::size_t>{2400, 2400}));
  EXPECT_EQ(*spws.at(1).begin(), *spws.at(2).begin());

  const SubMsPlan capped = planSubMss(rows, SeparationAxis::Spw, 16);
  EXPECT_EQ(capped.sub_ms_count, 3u);
}

TEST(SubMsPlan, BaselineAxisCutsTheSortedBaselineListIntoRuns) {
  // 4 antennas with autocorrelations: 10 baselines, time-ordered, 6 integrations.
  std::vector<RowKey> rows;
  for (int t = 0; t < 6; ++t) {
    for (int a1 = 0; a1 < 4; ++a1) {
      for (int a2 = a1; a2 < 4; ++a2) rows.push_back({1, 0, 0, 0, a1, a2, 4});
    }
  }
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Baseline, 3);
  expectValidPlan(rows, SeparationAxis::Baseline, 3, plan);
  ASSERT_EQ(plan.sub_ms_count, 3u);
  const auto baselines = subMssOf(rows, plan, baselineOf);
  ASSERT_EQ(baselines.size(), 10u);
  int previous = 0;
  for (const auto& [baseline, subs] : baselines) {
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_GE(*subs.begin(), previous) << "runs are contiguous in (antenna1, antenna2) order";
    previous = *subs.begin();
  }
  // 10 equal baselines in 3 runs: 3, 4 and 3 baselines (cuts nearest 10/3 and 20/3).
  EXPECT_EQ(plan.visibilities_per_sub_ms, (std::vector<std::size_t>{72, 96, 72}));

  const SubMsPlan one_each = planSubMss(rows, SeparationAxis::Baseline, 20);
  expectValidPlan(rows, SeparationAxis::Baseline, 20, one_each);
  EXPECT_EQ(one_each.sub_ms_count, 10u);
  for (const auto& [baseline, subs] : subMssOf(rows, one_each, baselineOf)) {
    EXPECT_EQ(subs.size(), 1u);
  }
}

TEST(SubMsPlan, BaselineRunsAreNeverEmptyWhenOneBaselineDominates) {
  const std::vector<RowKey> rows = {
      {1, 0, 0, 0, 0, 1, 1000}, {1, 0, 0, 0, 0, 2, 1}, {1, 0, 0, 0, 1, 2, 1}};
  const SubMsPlan plan = planSubMss(rows, SeparationAxis::Baseline, 3);
  expectValidPlan(rows, SeparationAxis::Baseline, 3, plan);
  EXPECT_EQ(plan.sub_ms_count, 3u);
  EXPECT_EQ(plan.sub_ms_of_row, (std::vector<int>{0, 1, 2}));
}

TEST(SubMsPlan, ZeroVisibilityGroupsStillFillEverySubMs) {
  // Scans 0 and 1 carry visibilities, scans 2 and 3 none (for example, zero channels selected).
  std::vector<RowKey> rows = {
      {0, 0, 0, 0, 0, 1, 10}, {1, 0, 0, 0, 0, 1, 10}, {2, 0, 0, 0, 0, 1, 0}, {3, 0, 0, 0, 0, 1, 0}};
  for (auto axis : {SeparationAxis::Auto, SeparationAxis::Scan}) {
    const SubMsPlan plan = planSubMss(rows, axis, 4);
    expectValidPlan(rows, axis, 4, plan);
    EXPECT_EQ(plan.sub_ms_count, 4u);
  }
}
