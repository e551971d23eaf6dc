#include <gtest/gtest.h>

#include <numeric>

#include "ptclean/partition/row_shares.h"

using ptclean::partition::balancedBlocks;

TEST(RowShares, BlocksCoverAllRowsInOrder) {
  std::vector<std::size_t> cost(101, 4);
  for (std::size_t workers : {1, 2, 3, 7}) {
    auto blocks = balancedBlocks(cost, workers);
    ASSERT_EQ(blocks.size(), workers);
    EXPECT_EQ(blocks.front().begin, 0u);
    EXPECT_EQ(blocks.back().end, cost.size());
    for (std::size_t k = 1; k < workers; ++k) EXPECT_EQ(blocks[k].begin, blocks[k - 1].end);
  }
}

TEST(RowShares, BalancesByCostNotRowCount) {
  // The first half of the rows is fully flagged (cost 0): two workers split the second half.
  std::vector<std::size_t> cost(100, 0);
  for (std::size_t r = 50; r < 100; ++r) cost[r] = 10;
  auto blocks = balancedBlocks(cost, 2);
  auto sum = [&](ptclean::partition::RowBlock b) {
    return std::accumulate(cost.begin() + b.begin, cost.begin() + b.end, std::size_t(0));
  };
  EXPECT_EQ(sum(blocks[0]), 250u);
  EXPECT_EQ(sum(blocks[1]), 250u);
}

TEST(RowShares, MoreWorkersThanRowsGivesEmptyBlocks) {
  std::vector<std::size_t> cost = {5, 5};
  auto blocks = balancedBlocks(cost, 4);
  std::size_t covered = 0;
  for (auto b : blocks) covered += b.end - b.begin;
  EXPECT_EQ(covered, 2u);
  EXPECT_THROW(balancedBlocks(cost, 0), std::invalid_argument);
}
