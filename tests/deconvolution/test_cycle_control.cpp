// tclean's cycle-control arithmetic against hand-computed cases.
#include <gtest/gtest.h>

#include "ptclean/deconvolution/cycle_control.h"

using namespace ptclean::deconvolution;

TEST(CycleControl, CycleThresholdTakesTheLargestOfItsThreeTerms) {
  CycleSettings s;
  s.threshold = 0.01;
  s.nsigma = 3.0;
  // sidelobe 0.2 x cyclefactor 1 = 0.2 within [0.05, 0.8]: 2.0 x 0.2 = 0.4
  EXPECT_DOUBLE_EQ(cycleThreshold(2.0, 0.2, 0.01, s), 0.4);
  // sidelobe 0.01 is clamped up to minpsffraction 0.05: 2.0 x 0.05 = 0.1
  EXPECT_DOUBLE_EQ(cycleThreshold(2.0, 0.01, 0.01, s), 0.1);
  // cyclefactor 5 x sidelobe 0.3 = 1.5, clamped to maxpsffraction 0.8: 1.6
  s.cyclefactor = 5.0;
  EXPECT_DOUBLE_EQ(cycleThreshold(2.0, 0.3, 0.01, s), 1.6);
  // nsigma x rms = 3 x 0.5 = 1.5 beats 0.1 x 0.05 x ... and threshold
  s.cyclefactor = 1.0;
  EXPECT_DOUBLE_EQ(cycleThreshold(1.0, 0.01, 0.5, s), 1.5);
  // the global threshold wins when the rest are lower
  s.threshold = 0.7;
  s.nsigma = 0.0;
  EXPECT_DOUBLE_EQ(cycleThreshold(1.0, 0.1, 0.5, s), 0.7);
}

TEST(CycleControl, IterationBudgetsAndStopReasons) {
  CycleSettings s;
  s.niter = 250;
  s.cycleniter = 100;
  s.threshold = 0.05;
  CycleControl control(s);
  auto plan = control.planMinorCycle(1.0, 0.2, 0.01);
  EXPECT_EQ(plan.stop, StopReason::None);
  EXPECT_EQ(plan.iterations, 100);
  EXPECT_DOUBLE_EQ(plan.threshold, 0.2);
  control.recordMinorCycle(100, 0.2);
  control.recordMinorCycle(100, 0.1);
  plan = control.planMinorCycle(0.1, 0.2, 0.01);
  EXPECT_EQ(plan.iterations, 50);  // 250 - 200 left, below cycleniter
  control.recordMinorCycle(50, 0.08);
  EXPECT_EQ(control.planMinorCycle(0.08, 0.2, 0.01).stop, StopReason::IterationLimit);

  CycleControl by_threshold(s);
  EXPECT_EQ(by_threshold.planMinorCycle(0.05, 0.2, 0.01).stop, StopReason::Threshold);

  s.nsigma = 4.0;
  CycleControl by_nsigma(s);
  EXPECT_EQ(by_nsigma.planMinorCycle(0.07, 0.2, 0.02).stop, StopReason::NSigma);  // 0.07 <= 4 x 0.02

  s.nsigma = 0.0;
  s.nmajor = 2;
  CycleControl by_nmajor(s);
  by_nmajor.recordMinorCycle(10, 0.9);
  EXPECT_EQ(by_nmajor.planMinorCycle(0.9, 0.2, 0.01).stop, StopReason::None);
  by_nmajor.recordMinorCycle(10, 0.8);
  EXPECT_EQ(by_nmajor.planMinorCycle(0.8, 0.2, 0.01).stop, StopReason::MajorCycleLimit);

  s.nmajor = -1;
  CycleControl diverging(s);
  diverging.planMinorCycle(1.0, 0.2, 0.01);
  diverging.recordMinorCycle(10, 0.3);
  EXPECT_EQ(diverging.planMinorCycle(1.0, 0.2, 0.01).stop, StopReason::Diverging);  // 1.0 > 3 x 0.3
  EXPECT_NE(describe(StopReason::NSigma).find("n-sigma"), std::string::npos);
}

TEST(CycleControl, BadSettingsNameTheirKey) {
  CycleSettings s;
  s.maxpsffraction = 0.01;
  try {
    CycleControl control(s);
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("maxpsffraction"), std::string::npos);
  }
}
