#!/usr/bin/python3
"""Numbers for the data-task tests, computed independently of ptclean with python-casacore.

  task_checks.py average IN OUT WIDTH   split's width: OUT's DATA, FLAG and WEIGHT_SPECTRUM are the
                                        weighted means / sums of IN's channels (spw 0 of both)
  task_checks.py hanning IN OUT         OUT's DATA is 0.25/0.5/0.25 of IN's, edges flagged
  task_checks.py contsub IN SUB CONT DD LINEFREE [noline]
                                        IN's data description DD against SUB's and CONT's data
                                        description 0: in the line-free channels (e.g. 0-9,23-31)
                                        SUB is below 1e-3 of IN; SUB + CONT equals IN; the line
                                        is left in SUB (unless noline)
  task_checks.py lsrk IN OUT            OUT's channel frequencies are IN's (TOPO) converted to
                                        LSRK by casacore's measures at IN's first time, at the mean
                                        antenna position, towards field 0: within 1 Hz
  task_checks.py smooth OUT FLUX SPIX REFFREQ
                                        OUT's RR (a point source at the phase centre) against
                                        FLUX * (f / REFFREQ)^SPIX at OUT's channel frequencies
  task_checks.py timeavg IN OUT          each OUT row is the WEIGHT_SPECTRUM-weighted mean of the
                                        unflagged IN rows of its baseline, data description and scan
                                        within [TIME - INTERVAL/2, TIME + INTERVAL/2]; weights add
  task_checks.py combine IN OUT          OUT has one spw holding every channel of IN's spws in
                                        frequency order, and one row per baseline and time whose
                                        data and flags are IN's rows' side by side
Prints the largest relative difference; exit code 0 only when it is below 1e-6."""
import sys

import numpy as np
from casacore import tables


def rows(path, dd):
    t = tables.table(path, ack=False)
    order = np.lexsort([t.getcol(k) for k in ["ANTENNA2", "ANTENNA1", "DATA_DESC_ID", "TIME"]])
    sel = {k: t.getcol(k)[order] for k in ["DATA_DESC_ID", "DATA", "FLAG", "WEIGHT_SPECTRUM"] if k in t.colnames()}
    keep = sel["DATA_DESC_ID"] == dd
    return {k: v[keep] for k, v in sel.items()}


def average(src, out, width):
    a, b = rows(src, 0), rows(out, 0)
    d, f, w = a["DATA"], a["FLAG"], a["WEIGHT_SPECTRUM"]
    nchan = d.shape[1]
    worst = 0.0
    for k, first in enumerate(range(0, nchan, width)):
        sl = slice(first, min(nchan, first + width))
        good = ~f[:, sl, :]
        any_good = good.any(axis=1)
        use = np.where(any_good[:, None, :], good, True)
        ws = (w[:, sl, :] * use).sum(axis=1)
        mean = (d[:, sl, :] * w[:, sl, :] * use).sum(axis=1) / ws
        scale = np.abs(mean).max()
        worst = max(worst, np.abs(b["DATA"][:, k, :] - mean).max() / scale)
        worst = max(worst, np.abs(b["WEIGHT_SPECTRUM"][:, k, :] - ws).max() / ws.max())
        if not np.array_equal(b["FLAG"][:, k, :], ~any_good):
            print(f"FLAG of output channel {k} differs")
            return 1
    print(f"largest relative difference {worst:.3g}")
    return 0 if worst < 1e-6 else 1


def hanning(src, out):
    a, b = rows(src, 0), rows(out, 0)
    d, f = a["DATA"], a["FLAG"]
    expected = 0.25 * d[:, :-2, :] + 0.5 * d[:, 1:-1, :] + 0.25 * d[:, 2:, :]
    worst = np.abs(b["DATA"][:, 1:-1, :] - expected).max() / np.abs(expected).max()
    flags = f[:, :-2, :] | f[:, 1:-1, :] | f[:, 2:, :]
    if not (b["FLAG"][:, 0, :].all() and b["FLAG"][:, -1, :].all()):
        print("edge channels are not all flagged")
        return 1
    if not np.array_equal(b["FLAG"][:, 1:-1, :], flags):
        print("interior flags differ from the propagated flags")
        return 1
    print(f"largest relative difference {worst:.3g}")
    return 0 if worst < 1e-6 else 1


def contsub(src, sub, cont, dd, linefree, expect_line):
    a, b, c = rows(src, dd), rows(sub, 0), rows(cont, 0)
    chans = []
    for part in linefree.split(","):
        first, last = part.split("-")
        chans += list(range(int(first), int(last) + 1))
    original = np.abs(a["DATA"][:, chans, :]).max()
    residual = np.abs(b["DATA"][:, chans, :]).max() / original
    total = np.abs(b["DATA"] + c["DATA"] - a["DATA"]).max() / np.abs(a["DATA"]).max()
    line = np.abs(b["DATA"]).max() / original
    print(f"residual continuum {residual:.3g} of the original; contsub + cont - original {total:.3g}; line peak {line:.3g}")
    return 0 if residual < 1e-3 and total < 1e-6 and (line > 0.1 or not expect_line) else 1


def lsrk(src, out):
    from casacore import measures
    topo = tables.table(src + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")[0]
    spw = tables.table(out + "/SPECTRAL_WINDOW", ack=False)
    got = spw.getcol("CHAN_FREQ")[0]
    first = tables.table(src, ack=False).getcol("TIME").min()
    pos = tables.table(src + "/ANTENNA", ack=False).getcol("POSITION").mean(axis=0)
    ra, dec = tables.table(src + "/FIELD", ack=False).getcol("PHASE_DIR")[0][0]
    me = measures.measures()
    me.doframe(me.epoch("UTC", f"{first}s"))
    me.doframe(me.position("ITRF", f"{pos[0]}m", f"{pos[1]}m", f"{pos[2]}m"))
    me.doframe(me.direction("J2000", f"{ra}rad", f"{dec}rad"))
    expected = np.array([me.measure(me.frequency("TOPO", f"{f}Hz"), "LSRK")["m0"]["value"] for f in topo])
    worst = np.abs(expected[: len(got)] - got).max()
    frame = spw.getcol("MEAS_FREQ_REF")[0]
    print(f"largest difference {worst:.3g} Hz over {len(got)} channels; MEAS_FREQ_REF {frame}; shift {expected[0] - topo[0]:.1f} Hz")
    return 0 if worst < 1.0 and frame == 1 and len(got) == len(topo) else 1


def smooth(out, flux, spix, reffreq):
    freq = tables.table(out + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")[0]
    a = rows(out, 0)
    model = flux * (freq / reffreq) ** spix
    good = ~a["FLAG"][:, :, 0]
    worst = (np.abs(a["DATA"][:, :, 0] - model[None, :]) * good).max() / flux
    print(f"largest relative difference {worst:.3g} over {good.sum()} unflagged samples of {good.size}")
    return 0 if worst < 1e-4 and good.sum() > 0.9 * good.size else 1


def timeavg(src, out):
    a = tables.table(src, ack=False)
    b = tables.table(out, ack=False)
    keys = ["DATA_DESC_ID", "ANTENNA1", "ANTENNA2", "SCAN_NUMBER"]
    ka = np.stack([a.getcol(k) for k in keys], axis=1)
    kb = np.stack([b.getcol(k) for k in keys], axis=1)
    ta, tb, ib = a.getcol("TIME"), b.getcol("TIME"), b.getcol("INTERVAL")
    da, fa, wa = a.getcol("DATA"), a.getcol("FLAG"), a.getcol("WEIGHT_SPECTRUM")
    db, fb, wb = b.getcol("DATA"), b.getcol("FLAG"), b.getcol("WEIGHT_SPECTRUM")
    worst, used = 0.0, 0
    for r in range(b.nrows()):
        sel = np.all(ka == kb[r], axis=1) & (np.abs(ta - tb[r]) < ib[r] / 2)
        good = ~fa[sel]
        any_good = good.any(axis=0)
        use = np.where(any_good[None], good, True)
        w = wa[sel] * use
        mean = (da[sel] * w).sum(axis=0) / w.sum(axis=0)
        used += sel.sum()
        worst = max(worst, np.abs(db[r] - mean).max() / max(np.abs(mean).max(), 1e-12), np.abs(wb[r] - w.sum(axis=0)).max() / w.sum(axis=0).max())
        if not np.array_equal(fb[r], ~any_good):
            print(f"FLAG of output row {r} differs")
            return 1
    print(f"largest relative difference {worst:.3g}; {used} of {a.nrows()} input rows in {b.nrows()} output rows")
    return 0 if worst < 1e-6 and used == a.nrows() else 1


def combine(src, out):
    a = tables.table(src, ack=False)
    b = tables.table(out, ack=False)
    spw_freq = tables.table(src + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")
    dd_spw = tables.table(src + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")
    out_freq = tables.table(out + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")
    if out_freq.shape[0] != 1 or out_freq.shape[1] != spw_freq.size or not np.all(np.diff(out_freq[0]) > 0):
        print(f"output spws {out_freq.shape}, expected 1 x {spw_freq.size} ascending")
        return 1
    key = lambda t, r: (t.getcell("TIME", r), t.getcell("ANTENNA1", r), t.getcell("ANTENNA2", r))
    times, a1, a2 = b.getcol("TIME"), b.getcol("ANTENNA1"), b.getcol("ANTENNA2")
    index = {(times[r], a1[r], a2[r]): r for r in range(b.nrows())}
    data, flag = b.getcol("DATA"), b.getcol("FLAG")
    ta, aa1, aa2, add = a.getcol("TIME"), a.getcol("ANTENNA1"), a.getcol("ANTENNA2"), a.getcol("DATA_DESC_ID")
    worst = 0.0
    for r in range(a.nrows()):
        row = index[(ta[r], aa1[r], aa2[r])]
        slots = np.searchsorted(out_freq[0], spw_freq[dd_spw[add[r]]])
        worst = max(worst, np.abs(data[row][slots] - a.getcell("DATA", r)).max())
        if not np.array_equal(flag[row][slots], a.getcell("FLAG", r)):
            print(f"flags of input row {r} differ")
            return 1
    print(f"largest difference {worst:.3g}; {a.nrows()} input rows in {b.nrows()} output rows")
    return 0 if worst == 0.0 and b.nrows() * len(dd_spw) == a.nrows() else 1


if __name__ == "__main__":
    if sys.argv[1] == "combine":
        sys.exit(combine(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "timeavg":
        sys.exit(timeavg(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "lsrk":
        sys.exit(lsrk(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "smooth":
        sys.exit(smooth(sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])))
    if sys.argv[1] == "contsub":
        sys.exit(contsub(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6], sys.argv[7:] != ["noline"]))
    if sys.argv[1] == "average":
        sys.exit(average(sys.argv[2], sys.argv[3], int(sys.argv[4])))
    sys.exit(hanning(sys.argv[2], sys.argv[3]))
