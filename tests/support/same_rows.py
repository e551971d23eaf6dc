#!/usr/bin/python3
"""Row-for-row comparison of two MeasurementSets (an MMS opened as a plain table included):
both sorted by (TIME, DATA_DESC_ID, ANTENNA1, ANTENNA2), every column of the first must equal
the second's. Prints 'identical N rows' or the differences; exit code 0 only when identical.

  same_rows.py A B [--relative 1e-6]   floating-point columns may differ by that fraction of the
                                       column's largest value (float rounding); the rest exactly"""
import sys

import numpy as np
from casacore import tables


def main(a_path, b_path, relative=0.0):
    a = tables.table(a_path, ack=False)
    b = tables.table(b_path, ack=False)
    if a.nrows() != b.nrows():
        print(f"row counts differ: {a.nrows()} and {b.nrows()}")
        return 1
    keys = ["ANTENNA2", "ANTENNA1", "DATA_DESC_ID", "TIME"]
    order_a = np.lexsort([a.getcol(k) for k in keys])
    order_b = np.lexsort([b.getcol(k) for k in keys])
    bad = 0
    for column in a.colnames():
        try:
            values_a = a.getcol(column)
        except RuntimeError:
            continue  # an unfilled column (FLAG_CATEGORY): nothing to compare
        if column not in b.colnames():
            print(f"column {column} is missing")
            bad += 1
            continue
        values_b = b.getcol(column)
        x, y = values_a[order_a], values_b[order_b]
        if relative > 0 and x.shape == y.shape and np.issubdtype(x.dtype, np.inexact):
            scale = max(np.abs(x).max(initial=0.0), 1e-30)
            worst = np.abs(x - y).max(initial=0.0) / scale
            if worst > relative:
                print(f"column {column} differs by {worst:.3g} of its largest value")
                bad += 1
            elif worst > 0:
                print(f"column {column} within {worst:.3g} of its largest value")
        elif not np.array_equal(x, y):
            print(f"column {column} differs")
            bad += 1
    if bad == 0:
        print(f"identical {a.nrows()} rows")
    return 1 if bad else 0


if __name__ == "__main__":
    relative = float(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--relative" else 0.0
    sys.exit(main(sys.argv[1], sys.argv[2], relative))
