#!/bin/bash
# From a corrupted observation to a calibrated image with ptclean alone, under mpirun, as the
# user guide's "Calibration" section describes:
#   simulate -> (corrupt) -> partition -> flagdata -> setjy -> gencal -> applycal -> split -> image
# A calibrator (3C286, at Perley-Butler 2017 flux density) and a target field with two point
# sources are observed in turn. The data are corrupted with per-antenna gains (constant and
# drifting in time), a bandpass and delays; tests/support/cal_checks.py does that with
# python-casacore, and writes the drifting gain, bandpass and delay tables in CASA's NewCalTable
# layout, as gaincal and bandpass would. The constant gains are written by `ptclean gencal`.
# At the end the target's CLEAN model fluxes are compared with the truth (within 1%), and the
# calibrator's corrected visibilities with setjy's model.
#
#   bash docs/calibration_end_to_end.sh [WORKDIR] [PTCLEAN]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
work=${1:-calibration-demo}
ptclean=${2:-$here/build/imager/ptclean}
python=/usr/bin/python3
mpirun="mpirun --allow-run-as-root --oversubscribe -n 3"
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# 3C286 with the spectral index of the Perley-Butler 2017 polynomial at 1.43 GHz; the target
# 4 degrees away; the VLA primary beam keeps each field's sky to itself.
$ptclean simulate --set vis=obs.ms --set array=vla --set antennas=12 --set nspw=2 --set nchan=16 \
  --set chanwidth=2MHz --set freq=1.4GHz --set nscans=6 --set nintegrations=12 --set integration=30s \
  --set hourangle_span=4h --set primary_beam=vla --set noise=0.002 \
  --set 'phasecenter="J2000 13h31m08.288s 30d30m32.96s"' --set 'fields=["J2000 13h50m00.0s 33d00m00.0s"]' \
  --set 'field_names=["3C286", "TARGET"]' \
  --set 'sources=[{type="point", ra="13h31m08.288s", dec="30d30m32.96s", flux=15.0838, spix=-0.5041, reffreq="1.4GHz"},
                  {type="point", ra="13h50m00.0s", dec="33d00m00.0s", flux=1.0},
                  {type="point", ra="13h50m04.0s", dec="33d00m40.0s", flux=0.4}]'
$python "$here/tests/support/cal_checks.py" corrupt obs.ms .

$mpirun $ptclean partition --vis obs.ms --outputvis obs.mms --separationaxis scan --numsubms 3
# One antenna is known to be bad for the whole run.
$mpirun $ptclean flagdata --vis obs.mms --mode manual --antenna EA06
$mpirun $ptclean setjy --vis obs.mms --field 3C286 --standard 'Perley-Butler 2017' > setjy.json
for type in amp ph; do
  $ptclean gencal --vis obs.mms --caltable obs.G0 --caltype $type --parameter "$(cat $type.txt)"
done
$mpirun $ptclean applycal --vis obs.mms --gaintable '["obs.G0", "cal.G", "cal.B", "cal.K"]' \
  --interp '["", "linear", "nearest,linear", "nearest"]'
$mpirun $ptclean split --vis obs.mms --outputvis target.mms --field TARGET --datacolumn corrected
$mpirun $ptclean image --set vis=target.mms --set imagename=target --set datacolumn=data --set imsize=256 \
  --set cell=4arcsec --set niter=5000 --set threshold=0.5mJy --set weighting=briggs --set robust=0.5 \
  --set gridder=wproject --set gridder_accuracy=1e-5

$python - <<'EOF'
import numpy as np
from casacore import images, tables

# The calibrator: corrected visibilities against setjy's model (parallel hands, unflagged).
ms = tables.table("obs.mms", ack=False)
cal = ms.query("FIELD_ID == 0")
flags = cal.getcol("FLAG")[:, :, [0, 3]]
ratio = np.abs(cal.getcol("CORRECTED_DATA")[:, :, [0, 3]][~flags].mean() / cal.getcol("MODEL_DATA")[:, :, [0, 3]][~flags].mean())
print(f"3C286: mean corrected / setjy model = {ratio:.4f}")

# The target (flat spectra): CLEAN model flux within 5 pixels of each source, divided by the
# primary beam there (the simulation attenuated the sky by it), against the truth.
from casacore.quanta import quantity
model = images.image("target.model")
beam = images.image("target.pb").getdata()[0, 0]
pixels = model.getdata()[0, 0]  # [dec, ra]
world = model.toworld([0, 0, 0, 0])
truth = [("13h50m00.0s", "33d00m00.0s", 1.0), ("13h50m04.0s", "33d00m40.0s", 0.4)]
worst = abs(ratio - 1)
for ra, dec, expected in truth:
    world[2], world[3] = quantity(dec).get_value("rad"), quantity(ra).get_value("rad")
    y, x = [int(round(v)) for v in model.topixel(world)[2:]]
    found = pixels[y - 5:y + 6, x - 5:x + 6].sum() / beam[y, x]
    print(f"source at {ra} {dec}: CLEAN model {found:.4f} Jy, truth {expected:.4f} Jy ({100 * (found / expected - 1):+.2f}%)")
    worst = max(worst, abs(found / expected - 1))
print(f"largest deviation {100 * worst:.2f}%")
raise SystemExit(0 if worst < 0.01 else 1)
EOF
echo "calibration end to end: within 1% (images in $work)"
