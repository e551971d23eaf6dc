#!/usr/bin/python3
"""Checks that every row of an MS is in a concatenation of it (a Multi-MS whose subtables were
merged and renumbered) unchanged. Rows are matched by what the IDs stand for: TIME, the names of
the two antennas, the channel frequencies of the spw and the field's name and direction. DATA,
FLAG and UVW must be equal; WEIGHT and WEIGHT_SPECTRUM the input's times SCALE, SIGMA and
SIGMA_SPECTRUM the input's divided by sqrt(SCALE).

usage: concat_check.py CONCAT MS [SCALE]
Prints 'found N rows unchanged' or what differs; exit code 0 only when all rows are found."""
import sys

import numpy as np
from casacore import tables


def sub(path, name):
    return tables.table(path + "/" + name, ack=False)


def row_keys(path):
    """One key per row of the main table at `path`: (time, antenna names, frequencies, field)."""
    main = tables.table(path, ack=False)
    names = sub(path, "ANTENNA").getcol("NAME")
    spw_of_dd = sub(path, "DATA_DESCRIPTION").getcol("SPECTRAL_WINDOW_ID")
    spw = sub(path, "SPECTRAL_WINDOW")
    freqs = [tuple(spw.getcell("CHAN_FREQ", r)) for r in range(spw.nrows())]
    field = sub(path, "FIELD")
    fields = [(field.getcell("NAME", r), tuple(field.getcell("PHASE_DIR", r)[0])) for r in range(field.nrows())]
    time, a1, a2 = main.getcol("TIME"), main.getcol("ANTENNA1"), main.getcol("ANTENNA2")
    dd, fid = main.getcol("DATA_DESC_ID"), main.getcol("FIELD_ID")
    return main, [(time[r], names[a1[r]], names[a2[r]], freqs[spw_of_dd[dd[r]]], fields[fid[r]])
                  for r in range(main.nrows())]


def main(concat_path, ms_path, scale):
    concat, concat_keys = row_keys(concat_path)
    ms, ms_keys = row_keys(ms_path)
    where = {key: r for r, key in enumerate(concat_keys)}
    missing = [key for key in ms_keys if key not in where]
    if missing:
        print(f"{len(missing)} of {len(ms_keys)} rows are missing, the first: {missing[0]}")
        return 1
    rows = np.array([where[key] for key in ms_keys])
    bad = 0
    expected = {"DATA": 1.0, "FLAG": None, "UVW": 1.0, "WEIGHT": scale, "SIGMA": 1 / np.sqrt(scale),
                "WEIGHT_SPECTRUM": scale, "SIGMA_SPECTRUM": 1 / np.sqrt(scale)}
    for column, factor in expected.items():
        if column not in ms.colnames():
            continue
        # Cell by cell: spws of different channel counts give cells of different shapes.
        same = True
        for r, c in enumerate(rows):
            a, b = ms.getcell(column, r), concat.getcell(column, int(c))
            if factor is None or factor == 1.0:
                same = a.shape == b.shape and np.array_equal(a, b)
            else:
                same = a.shape == b.shape and np.allclose(a * factor, b, rtol=1e-6, atol=0)
            if not same:
                break
        if not same:
            print(f"column {column} differs")
            bad += 1
    if bad == 0:
        print(f"found {len(ms_keys)} rows unchanged")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 1.0))
