// What a rank says when it fails on its own, where the other ranks cannot hear it through a
// collective: a fatal signal (segmentation fault, abort, bus error, floating-point trap) is
// reported in one line that names the rank before the process dies, so that the launcher's
// "process rank N exited on signal" comes with our cause. A SIGKILL (kill -9, the kernel's OOM
// killer) cannot be caught: the launcher reports it (docs/reliability.md).
#pragma once

#include <string>

namespace ptclean::imager {

/// `who` names this rank ("server-2 (rank 2)").
void installCrashReports(const std::string& who);

/// A test hook for the fault tests: with PTCLEAN_TEST_FAULT=throw, abort, kill or hang and
/// PTCLEAN_TEST_FAULT_RANK=r in the environment, rank r fails that way in the middle of major
/// cycle PTCLEAN_TEST_FAULT_CYCLE (default 1). Does nothing otherwise.
void injectTestFault(int rank, long major_cycle);

}  // namespace ptclean::imager
