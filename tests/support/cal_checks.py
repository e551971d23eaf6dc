#!/usr/bin/python3
"""Independent checks of ptclean's calibration tasks with python-casacore and numpy.

  cal_checks.py corrupt MS DIR      keeps DATA as DIR/true.npy, multiplies DATA by known Jones
                                    terms (per antenna and receptor: a constant gain written by
                                    `ptclean gencal` from DIR/amp.txt and DIR/ph.txt, a gain that
                                    drifts in time, a bandpass and a delay) and writes the last
                                    three as CASA tables DIR/cal.G, DIR/cal.B, DIR/cal.K in the
                                    NewCalTable layout, as gaincal, bandpass and gaincal(K) do
  cal_checks.py restored MS DIR     CORRECTED_DATA equals DIR/true.npy to 1e-5 of the peak, and
                                    WEIGHT_SPECTRUM is the original times |g_i g_j|^2
  cal_checks.py flags MS ANTS [W.npy] FLAG is set exactly on the rows of antennas ANTS (e.g. '4,5');
                                    WEIGHT_SPECTRUM equals W.npy when given
  cal_checks.py variants MS DIR     writes DIR/flagged.B (channel 5 of antenna 2 flagged in spw 0)
                                    and DIR/fields.T (one receptor: 2 for field 0, 3 for field 1)
  cal_checks.py scaled MS DIR G0,G1 CORRECTED_DATA = DATA / g^2, weights x g^4, g by field
  cal_checks.py flagged-channel MS yes|no   FLAG only at that channel and antenna (or nowhere)
  cal_checks.py rename-field MS NAME  names field 0 (setjy knows calibrators by name)
  cal_checks.py model MS STANDARD   MODEL_DATA of every row equals the flux formula at each
                                    channel: 'manual' (I=2, V=0.5 at 1.4 GHz, spix -0.7 and
                                    curvature 0.3 in log10) or 'pb2017' (3C286, from the paper's
                                    table 6 coefficients)
"""
import json
import os
import sys

import numpy as np
from casacore import tables

RNG = np.random.default_rng(7)
PB2017_3C286 = [1.2481, -0.4507, -0.1798, 0.0357]  # Perley & Butler 2017, ApJS 230, 7, table 6


def jones(ms):
    """The corrupting terms: g0[a, p] (gencal), g[t, a, p] at each time, b[s, a, c, p], tau[a, p] (ns)."""
    main = tables.table(ms, ack=False)
    nant = tables.table(ms + "/ANTENNA", ack=False).nrows()
    freqs = tables.table(ms + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")
    times = np.unique(main.getcol("TIME"))
    amp0 = RNG.uniform(0.6, 1.6, (nant, 2))
    ph0 = RNG.uniform(-170, 170, (nant, 2))
    g0 = amp0 * np.exp(1j * np.radians(ph0))
    drift = RNG.uniform(-0.6, 0.6, (nant, 2))
    g = (1 + 0.2 * RNG.uniform(-1, 1, (len(times), nant, 2))) * np.exp(
        1j * (drift[None] * np.linspace(0, 1, len(times))[:, None, None] * np.pi + RNG.uniform(-3, 3, (1, nant, 2))))
    b = (1 + 0.1 * RNG.standard_normal((freqs.shape[0], nant, freqs.shape[1], 2))) * np.exp(
        0.3j * RNG.standard_normal((freqs.shape[0], nant, freqs.shape[1], 2)))
    tau = RNG.uniform(-3, 3, (nant, 2))
    # Solutions at every other time: in between, the gain is what CASA's linear interpolation of
    # amplitude and phase gives (the phases move by less than pi between solutions).
    for i in range(1, len(times), 2):
        if i + 1 < len(times):
            amp = 0.5 * (np.abs(g[i - 1]) + np.abs(g[i + 1]))
            step = np.angle(g[i + 1] / g[i - 1])  # the shorter way round
            g[i] = amp * np.exp(1j * (np.angle(g[i - 1]) + 0.5 * step))
        else:
            g[i] = g[i - 1]
    return times, freqs, g0, amp0, ph0, g, b, tau


def copy_subtables(ms, path, table):
    for name in ["ANTENNA", "FIELD", "SPECTRAL_WINDOW", "OBSERVATION", "HISTORY"]:
        tables.table(ms + "/" + name, ack=False).copy(path + "/" + name, deep=True).close()
        table.putkeyword(name, "Table: " + os.path.abspath(path + "/" + name))


def write_caltable(ms, path, vis_cal, rows, complex_values=True):
    """rows: (time, spw, antenna, values [chan, receptor], flags) as CASA's NewCalTable holds them."""
    param = "CPARAM" if complex_values else "FPARAM"
    desc = tables.maketabdesc([
        tables.makescacoldesc("TIME", 0.0), tables.makescacoldesc("FIELD_ID", 0),
        tables.makescacoldesc("SPECTRAL_WINDOW_ID", 0), tables.makescacoldesc("ANTENNA1", 0),
        tables.makescacoldesc("ANTENNA2", 0), tables.makescacoldesc("INTERVAL", 0.0),
        tables.makescacoldesc("SCAN_NUMBER", 0), tables.makescacoldesc("OBSERVATION_ID", 0),
        tables.makearrcoldesc(param, 0j if complex_values else 0.0, ndim=2,
                              valuetype="complex" if complex_values else "float"),
        tables.makearrcoldesc("PARAMERR", 0.0, ndim=2, valuetype="float"),
        tables.makearrcoldesc("FLAG", False, ndim=2), tables.makearrcoldesc("SNR", 0.0, ndim=2, valuetype="float"),
        tables.makearrcoldesc("WEIGHT", 0.0, ndim=2, valuetype="float")])
    t = tables.table(path, desc, nrow=len(rows), ack=False)
    t.putinfo({"type": "Calibration", "subType": vis_cal, "readme": ""})
    t.putkeyword("ParType", "Complex" if complex_values else "Float")
    t.putkeyword("MSName", os.path.basename(ms))
    t.putkeyword("VisCal", vis_cal)
    t.putkeyword("PolBasis", "circular")
    t.putkeyword("CASA_Version", "6.6.0-20")
    copy_subtables(ms, path, t)
    for r, (time, spw, ant, values, flags) in enumerate(rows):
        # values: [chan, receptor], as python-casacore shows casacore's [receptor, chan] cells
        t.putcell("TIME", r, time)
        t.putcell("FIELD_ID", r, 0)
        t.putcell("SPECTRAL_WINDOW_ID", r, spw)
        t.putcell("ANTENNA1", r, ant)
        t.putcell("ANTENNA2", r, -1)
        t.putcell("INTERVAL", r, 0.0)
        t.putcell("SCAN_NUMBER", r, 1)
        t.putcell("OBSERVATION_ID", r, 0)
        t.putcell(param, r, values)
        t.putcell("PARAMERR", r, np.zeros(values.shape, dtype=np.float32))
        t.putcell("FLAG", r, flags)
        t.putcell("SNR", r, np.ones(values.shape, dtype=np.float32))
        t.putcell("WEIGHT", r, np.ones(values.shape, dtype=np.float32))
    t.close()


def total_gain(ms, terms):
    """The product of all terms for every row: [row, chan, corr], with the corr products' receptors."""
    times, freqs, g0, _, _, g, b, tau = terms
    main = tables.table(ms, ack=False)
    t_index = np.searchsorted(times, main.getcol("TIME"))
    a1, a2 = main.getcol("ANTENNA1"), main.getcol("ANTENNA2")
    spw = tables.table(ms + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")[main.getcol("DATA_DESC_ID")]
    pol_id = tables.table(ms + "/DATA_DESCRIPTION", ack=False).getcol("POLARIZATION_ID")[0]
    products = tables.table(ms + "/POLARIZATION", ack=False).getcell("CORR_PRODUCT", pol_id)  # [corr, 2]
    nchan = freqs.shape[1]
    ref = freqs[:, nchan // 2]
    out = np.ones((main.nrows(), nchan, len(products)), dtype=complex)
    for c, (p, q) in enumerate(products):
        def antenna_terms(a, r):
            delay = np.exp(2j * np.pi * tau[a, r][:, None] * 1e-9 * (freqs[spw] - ref[spw][:, None]))
            return g0[a, r][:, None] * g[t_index, a, r][:, None] * b[spw, a, :, r] * delay
        out[:, :, c] = antenna_terms(a1, p) * np.conj(antenna_terms(a2, q))
    return out


def corrupt(ms, folder):
    terms = jones(ms)
    times, freqs, g0, amp0, ph0, g, b, tau = terms
    main = tables.table(ms, readonly=False, ack=False)
    data = main.getcol("DATA")
    np.save(folder + "/true.npy", data)
    np.save(folder + "/weight_spectrum.npy", main.getcol("WEIGHT_SPECTRUM"))
    main.putcol("DATA", data * total_gain(ms, terms))
    nrows = main.nrows()
    main.close()
    nant = g0.shape[0]
    with open(folder + "/amp.txt", "w") as f:  # receptor fastest, then antenna, then spw (gencal's order)
        f.write(json.dumps([amp0[a, r] for s in range(freqs.shape[0]) for a in range(nant) for r in range(2)]))
    with open(folder + "/ph.txt", "w") as f:
        f.write(json.dumps([ph0[a, r] for s in range(freqs.shape[0]) for a in range(nant) for r in range(2)]))
    no_flags = np.zeros((1, 2), dtype=bool)
    write_caltable(ms, folder + "/cal.G", "G Jones",
                   [(times[i], s, a, g[i, a][None, :].astype(np.complex64), no_flags)
                    for i in range(0, len(times), 2) for s in range(freqs.shape[0]) for a in range(nant)])
    write_caltable(ms, folder + "/cal.B", "B Jones",
                   [(times[len(times) // 2], s, a, b[s, a].astype(np.complex64), np.zeros(b[s, a].shape, dtype=bool))
                    for s in range(freqs.shape[0]) for a in range(nant)])
    write_caltable(ms, folder + "/cal.K", "K Jones",
                   [(times[0], s, a, tau[a][None, :].astype(np.float32), no_flags)
                    for s in range(freqs.shape[0]) for a in range(nant)], complex_values=False)
    print(f"corrupted {nrows} rows: {nant} antennas, {freqs.shape[0]} spws, {len(times)} times")
    return 0


def restored(ms, folder):
    terms = jones(ms)
    true = np.load(folder + "/true.npy")
    main = tables.table(ms, ack=False)
    corrected = main.getcol("CORRECTED_DATA")
    flags = main.getcol("FLAG")
    worst = np.abs(corrected - true)[~flags].max() / np.abs(true).max()
    print(f"CORRECTED_DATA - truth: {worst:.3g} of the peak; {flags.sum()} flagged samples")
    gains = total_gain(ms, terms)
    expected_weights = np.load(folder + "/weight_spectrum.npy") * np.abs(gains) ** 2
    weights = main.getcol("WEIGHT_SPECTRUM")
    weight_error = np.abs(weights - expected_weights)[~flags].max() / expected_weights.max()
    print(f"WEIGHT_SPECTRUM - original |g_i g_j|^2: {weight_error:.3g} of the largest")
    return 0 if worst < 1e-5 and weight_error < 1e-5 and not flags.any() else 1


def model(ms, standard):
    main = tables.table(ms, ack=False)
    freqs = tables.table(ms + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")
    spw = tables.table(ms + "/DATA_DESCRIPTION", ack=False).getcol("SPECTRAL_WINDOW_ID")[main.getcol("DATA_DESC_ID")]
    f = freqs[spw]  # [row, chan]
    if standard == "manual":
        x = f / 1.4e9
        scale = x ** (-0.7 + 0.3 * np.log10(x))
        i, v = 2.0 * scale, 0.5 * scale
    else:
        lx = np.log10(f / 1e9)
        i = 10 ** sum(a * lx ** k for k, a in enumerate(PB2017_3C286))
        v = 0 * i
    corr_types = tables.table(ms + "/POLARIZATION", ack=False).getcell("CORR_TYPE", 0)
    expected = {5: i + v, 8: i - v, 6: 0 * i, 7: 0 * i}  # RR, LL, RL, LR (Q = U = 0)
    got = main.getcol("MODEL_DATA")
    worst = 0.0
    for c, t in enumerate(corr_types):
        worst = max(worst, np.abs(got[:, :, c] - expected[t]).max() / np.abs(i).max())
    print(f"MODEL_DATA - formula: {worst:.3g} of I; I from {i.min():.4f} to {i.max():.4f} Jy")
    return 0 if worst < 1e-6 else 1


def flags(ms, antennas, weights_unchanged):
    """FLAG is set exactly on the rows of `antennas` (comma-separated ids: those without solutions)."""
    main = tables.table(ms, ack=False)
    bad = set(int(a) for a in antennas.split(",") if a)
    rows = np.array([a in bad or b in bad for a, b in zip(main.getcol("ANTENNA1"), main.getcol("ANTENNA2"))])
    flagged = main.getcol("FLAG").all(axis=(1, 2))
    clean = ~main.getcol("FLAG").any(axis=(1, 2))
    print(f"{flagged.sum()} rows flagged, {rows.sum()} rows hold antennas {sorted(bad)}")
    ok = (flagged == rows).all() and (clean == ~rows).all()
    if weights_unchanged:
        same = np.array_equal(main.getcol("WEIGHT_SPECTRUM"), np.load(weights_unchanged))
        print("WEIGHT_SPECTRUM unchanged" if same else "WEIGHT_SPECTRUM changed")
        ok = ok and same
    return 0 if ok else 1


def variants(ms, folder):
    """DIR/flagged.B: unit bandpass with channel 5 of antenna 2 flagged in spw 0; DIR/fields.T: a
    single-receptor gain of 2 for field 0 and 3 for field 1, in spw 0 only (at every time)."""
    nant = tables.table(ms + "/ANTENNA", ack=False).nrows()
    freqs = tables.table(ms + "/SPECTRAL_WINDOW", ack=False).getcol("CHAN_FREQ")
    main = tables.table(ms, ack=False)
    times = np.unique(main.getcol("TIME"))
    np.save(folder + "/weight_spectrum.npy", main.getcol("WEIGHT_SPECTRUM"))
    rows = []
    for s in range(freqs.shape[0]):
        for a in range(nant):
            flags = np.zeros((freqs.shape[1], 2), dtype=bool)
            if s == 0 and a == 2:
                flags[5, :] = True
            rows.append((times[0], s, a, np.ones((freqs.shape[1], 2), dtype=np.complex64), flags))
    write_caltable(ms, folder + "/flagged.B", "B Jones", rows)
    rows = [(t, 0, a, np.full((1, 1), 2.0 + field, dtype=np.complex64), np.zeros((1, 1), dtype=bool))
            for t in times for field in (0, 1) for a in range(nant)]
    write_caltable(ms, folder + "/fields.T", "T Jones", rows)
    t = tables.table(folder + "/fields.T", readonly=False, ack=False)
    t.putcol("FIELD_ID", np.array([field for _ in times for field in (0, 1) for _ in range(nant)]))
    return 0


def scaled(ms, folder, per_field):
    """CORRECTED_DATA = DATA / g^2 and WEIGHT_SPECTRUM x g^2 ... for g = per_field[field] ('2,3')."""
    gains = [float(g) for g in per_field.split(",")]
    main = tables.table(ms, ack=False)
    g = np.array(gains)[main.getcol("FIELD_ID")][:, None, None]
    data, corrected = main.getcol("DATA"), main.getcol("CORRECTED_DATA")
    worst = np.abs(corrected - data / g ** 2).max() / np.abs(data).max()
    weights = np.load(folder + "/weight_spectrum.npy") * g ** 4
    weight_error = np.abs(main.getcol("WEIGHT_SPECTRUM") - weights).max() / weights.max()
    print(f"CORRECTED_DATA - DATA/g^2: {worst:.3g}; WEIGHT_SPECTRUM - original g^4: {weight_error:.3g}")
    return 0 if worst < 1e-6 and weight_error < 1e-6 and not main.getcol("FLAG").any() else 1


def flagged_channel(ms, expect):
    """With 'yes', FLAG is set exactly at channel 5 of spw 0 on antenna 2's rows; with 'no', nowhere."""
    main = tables.table(ms, ack=False)
    flags = main.getcol("FLAG")
    rows = ((main.getcol("ANTENNA1") == 2) | (main.getcol("ANTENNA2") == 2)) & (main.getcol("DATA_DESC_ID") == 0)
    wanted = np.zeros(flags.shape, dtype=bool)
    if expect == "yes":
        wanted[rows, 5, :] = True
    print(f"{flags.sum()} samples flagged, {wanted.sum()} expected")
    return 0 if np.array_equal(flags, wanted) else 1


def rename_field(ms, name):
    field = tables.table(ms + "/FIELD", readonly=False, ack=False)
    field.putcell("NAME", 0, name)
    return 0


if __name__ == "__main__":
    if sys.argv[1] == "flags":
        sys.exit(flags(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else ""))
    if sys.argv[1] == "variants":
        sys.exit(variants(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "scaled":
        sys.exit(scaled(sys.argv[2], sys.argv[3], sys.argv[4]))
    if sys.argv[1] == "flagged-channel":
        sys.exit(flagged_channel(sys.argv[2], sys.argv[3]))
    if sys.argv[1] == "rename-field":
        sys.exit(rename_field(sys.argv[2], sys.argv[3]))
    command = sys.argv[1]
    if command == "corrupt":
        sys.exit(corrupt(sys.argv[2], sys.argv[3]))
    if command == "restored":
        sys.exit(restored(sys.argv[2], sys.argv[3]))
    if command == "model":
        sys.exit(model(sys.argv[2], sys.argv[3]))
    sys.exit(f"unknown command {command}")
