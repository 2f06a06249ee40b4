#!/usr/bin/env python3
"""sitting_table.py OUT "MODEL:QUANT ...": the Markdown summary of one scripts/sitting.sh run.

Reads what the sitting kept in OUT (cal.json, p-*.json projections made before each run,
b-*.json measurements, pace-*.json pace checks) and prints the calibration's quality line and one row per model:
projected decode tok/s with its band, measured tok/s (a run's mean, as every screen shows it)
with the median token, the error, whether the band held, projected peak memory against peak
RSS, what else the machine did during the run, and how evenly its tokens came (the mean rate
over the median token's; below 0.8 the run is uneven), and the machine's pace just after the
run: its calibration's reference twin's time per token now over then (above 1.15 it ran slower
than when it was calibrated, which the CPU counters do not show).
"""
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def met(ok):
    """met or missed, so that a value rounded to the goal still says which it was"""
    return "met" if ok else "missed"


def main():
    out, models = sys.argv[1], sys.argv[2].split()
    cal = load(os.path.join(out, "cal.json")) or {}
    q = cal.get("quality") or {}
    print(open(os.path.join(out, "sitting.txt")).read().strip())
    if q:
        loo = q.get("leave_one_out_median_abs_error_pct", 0)
        band = q.get("median_band_pct", 0)
        cov = 100 * q.get("band_coverage", 0)
        print(
            "calibration: %d runs, leave-one-out median %.2f %% (goal <= 5: %s), median band "
            "+-%.1f %% (goal <= 12: %s), %.1f %% inside (goal >= 80: %s), extrapolation median "
            "%.1f %% of %d, %d disturbed" % (
                q.get("runs", 0), loo, met(loo <= 5), band, met(band <= 12), cov, met(cov >= 80),
                q.get("extrapolation_median_abs_error_pct", 0), q.get("extrapolation_checks", 0),
                q.get("disturbed_runs", 0)))
    else:
        print("calibration: none saved (%s)" % cal.get("error", "see cal.err"))
    print()
    print("| Twin | Threads | Projected tok/s (band) | Measured tok/s (median token) | Error | Inside "
          "| Projected peak memory / peak RSS | Other programs (cores) | Mean / median token rate "
          "| Pace (reference now / calibrated) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for mq in models:
        m, qn = mq.split(":")
        p = load(os.path.join(out, "p-%s-%s.json" % (m, qn)))
        b = load(os.path.join(out, "b-%s-%s.json" % (m, qn)))
        if not p or not p.get("models") or not b:
            print("| %s %s | | failed: see p-/b-%s-%s.err | | | | | | | |" % (m, qn.upper(), m, qn))
            continue
        pm = p["models"][0]
        proj, lo, hi = pm["decode_tps"], pm["decode_tps_low"], pm["decode_tps_high"]
        meas = b["gen_tps"]
        err = 100 * (proj - meas) / meas
        inside = "yes" if lo <= meas <= hi else "**no**"
        mem = pm.get("memory", {}).get("total_bytes", pm.get("memory_bytes", 0))
        intf = b.get("interference") or {}
        st = b.get("steadiness") or {}
        print("| %s %s | %s | %.2f (%.2f–%.2f) | %.2f (p50 %.1f ms) | %+.1f %% | %s | %.2f / %.2f GB (%+.1f %%) | %.2f%s | %.2f%s | %s |" % (
            pm["name"], pm["quant"], b.get("threads"), proj, lo, hi, meas, b.get("token_ms_p50", 0),
            err, inside, mem / 1e9, b.get("peak_rss_bytes", 0) / 1e9,
            100 * (mem - b.get("peak_rss_bytes", 1)) / max(b.get("peak_rss_bytes", 1), 1),
            intf.get("other_cpu_cores", float("nan")), ", disturbed" if intf.get("disturbed") else "",
            st.get("mean_to_median", meas * b.get("token_ms_p50", 0) / 1000), ", uneven" if st.get("uneven") else "",
            pace(load(os.path.join(out, "pace-%s-%s.json" % (m, qn))))))


def pace(p):
    """the pace check's ratio and verdict, or why there is none"""
    if not p:
        return "not checked"
    v = p.get("verdict", "")
    return "%.2f%s" % (p.get("ratio", 0), "" if v == "same" else ", " + v)


if __name__ == "__main__":
    main()
