#!/usr/bin/env python3
"""fastfake.py: tests/fakeaws/fakeaws.py with GuardDuty's per-call work
cached, for the benchmark only. Same command line, same wire behaviour.

The fake completes every stored finding (10,000 in the bench) into a full
Finding, then matches and sorts them all, on *every* GuardDuty call: about
0.2 s of the fake's CPU per call, 80 s over the bench's 400 calls. Both
clients would wait for that equally and it would swamp what the bench
compares. Here the completed findings of a (region, account, detector) and
the sorted ids of a ListFindings query are computed once and reused until a
scenario step changes the state; ListFindings pages and GetFindings batches
are then answered by the fake's own paginate / op_GetFindings, so tokens,
validation, errors and reply shapes are the fake's. Faults (emptypage) and
error paths go to the unmodified handler.

`BENCH_STOCK_FAKE=1 make bench` runs the stock fake instead.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "fakeaws"))

import svc_guardduty as gd  # noqa: E402

_orig_handle = gd.Service.handle
_orig_apply_step = gd.Service.apply_step
BOUND = ["DetectorId", "findingCriteria", "sortCriteria"]


def _cache(self):
    c = self.__dict__.get("_bench_cache")
    if c is None:
        c = self.__dict__["_bench_cache"] = {}
    return c


def _findings(self, call, st, det):
    """(list, by id) of full findings as handle() would build them."""
    key = ("full", call.region, call.account_id, det)
    hit = _cache(self).get(key)
    if hit is None:
        full = [dict(f, service=dict(f["service"], detectorId=det))
                for f in self._full(call.region, st, call.account_id)]
        hit = _cache(self)[key] = (full, {f["id"]: f for f in full})
    return hit


def handle(self, call):
    if call.op not in ("ListFindings", "GetFindings") or call.emptypage:
        return _orig_handle(self, call)
    params = self.parse_input(call)
    with self.lock:
        st = self.regions.get(call.region)
        det = params.get("DetectorId")
        if st is None or det not in st.detectors:
            return _orig_handle(self, call)  # the fake's own error
        full, byid = _findings(self, call, st, det)
        if call.op == "GetFindings":
            ids = dict.fromkeys(params["findingIds"])
            return self.op_GetFindings(
                call, [byid[i] for i in ids if i in byid], params)
        crit = params.get("findingCriteria")
        gd.check_criteria(crit)
        key = ("ids", call.region, call.account_id, det,
               json.dumps([crit, params.get("sortCriteria")], sort_keys=True))
        ids = _cache(self).get(key)
        if ids is None:
            hits = [f for f in full if gd.matches(f, crit)]
            hits = gd.sort_findings(hits, params.get("sortCriteria"))
            ids = _cache(self)[key] = [f["id"] for f in hits]
        page, token, _ = gd.paginate("ListFindings", ids, params, BOUND, 50)
        return gd.ok_json({"findingIds": page, "nextToken": token or ""})


def apply_step(self, *args, **kw):
    _cache(self).clear()
    return _orig_apply_step(self, *args, **kw)


gd.Service.handle = handle
gd.Service.apply_step = apply_step

import fakeaws  # noqa: E402

if __name__ == "__main__":
    sys.exit(fakeaws.main())
