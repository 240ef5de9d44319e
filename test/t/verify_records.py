#!/usr/bin/env python3
"""
Run tools/verify-draw over many records (test/t/012_verifier.pl), each as
published and with one field changed.  Prints one line per record:

    <draw_id> ok|FAIL <reason> <tamperings tried> <tamperings missed> [<missed field> ...]

A sealed record is also checked with every key compared exactly (not only
those whose floating-point values are close), and must give the same order.

usage: verify_records.py VERIFIER RECORDS.json [SEED]
       verify_records.py --emit VERIFIER RECORDS.json SEED OUT.json

With --emit it writes instead, for the verifier page's test
(013_verifier_page.pl), every record and every changed copy with the
verdict the command line gives it: [{"text": ..., "verdict": ...}, ...].
"""

import copy
import importlib.machinery
import importlib.util
import json
import random
import sys
import uuid


def load(path):
    loader = importlib.machinery.SourceFileLoader("verify_draw", path)
    spec = importlib.util.spec_from_loader("verify_draw", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def other_uuid(rng, u):
    while True:
        v = str(uuid.UUID(int=rng.getrandbits(128)))
        if v != u:
            return v


def tamperings(record, rng):
    """(name, changed copy) for each single-field change worth making."""
    out = []

    def change(name, fn):
        r = copy.deepcopy(record)
        if fn(r) is not False:
            out.append((name, r))

    entries = record["entries"]
    results = record["results"]
    if entries:
        k = rng.randrange(len(entries))
        change("entry tickets +1", lambda r: r["entries"][k].__setitem__("tickets", r["entries"][k]["tickets"] + 1))
        if entries[k]["tickets"] > 1:
            change("entry tickets -1", lambda r: r["entries"][k].__setitem__("tickets", r["entries"][k]["tickets"] - 1))
        change("entry dropped", lambda r: r["entries"].pop(k))
        if record["kind"] == "seeded":
            change("entry best ticket", lambda r: r["entries"][k]["best"].__setitem__(
                0, other_uuid(rng, r["entries"][k]["best"][0])))
    if results:
        k = rng.randrange(len(results))
        others = [e["ref"] for e in entries if e["ref"] != results[k]["ref"]]
        if others:
            change("result ref", lambda r: r["results"][k].__setitem__("ref", rng.choice(others)))
        change("result place", lambda r: r["results"][k].__setitem__("place", r["results"][k]["place"] + 1))
        prize_ids = [p["prize_id"] for p in record["prizes"] if p["prize_id"] != results[k]["prize_id"]]
        if prize_ids:
            change("result prize", lambda r: r["results"][k].__setitem__("prize_id", rng.choice(prize_ids)))
        change("result outcome", lambda r: r["results"][k].__setitem__(
            "outcome", "won" if r["results"][k]["outcome"] != "won" else "lost"))
        change("result ticket", lambda r: r["results"][k].__setitem__("ticket", other_uuid(rng, r["results"][k]["ticket"])))
        change("result dropped", lambda r: r["results"].pop(k))
    k = rng.randrange(len(record["prizes"]))
    change("prize payload", lambda r: r["prizes"][k].__setitem__("payload", '{"sku": "keychain"}'))
    change("prize name", lambda r: r["prizes"][k].__setitem__("name", "Keychain"))
    change("prize value", lambda r: r["prizes"][k].__setitem__("value", "0.01"))
    change("prize quantity", lambda r: r["prizes"][k].__setitem__("quantity", r["prizes"][k]["quantity"] + 1))
    change("max wins", lambda r: r["rules"].__setitem__("max_wins_per_customer",
                                                        r["rules"]["max_wins_per_customer"] % 3 + 1))
    change("default prize", lambda r: r["rules"].__setitem__(
        "default_prize", None if r["rules"]["default_prize"] else "a spin"))
    if record["kind"] == "sealed":
        change("beacon", lambda r: r.__setitem__("beacon", "%064x" % rng.getrandbits(256)))
        change("beacon due", lambda r: r["times"].__setitem__("beacon_due_at", "2000-01-03T00:00:00.000001Z"))
        change("seal committed late", lambda r: r["times"].__setitem__("seal_committed_at", r["times"]["beacon_due_at"]))
    else:
        change("seed", lambda r: r.__setitem__("seed", "%064x" % rng.getrandbits(256)))
    return out


def verdict_of(vd, record):
    try:
        return vd.verify(copy.deepcopy(record))
    except vd.Mismatch as e:
        return "FAIL: %s: %s" % (e.check, e.detail)


def emit(vd, records, rng, out):
    cases = []
    for record in records:
        cases.append({"text": json.dumps(record), "verdict": verdict_of(vd, record)})
        for name, changed in tamperings(record, rng):
            cases.append({"text": json.dumps(changed), "verdict": verdict_of(vd, changed)})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(cases, f)


def main():
    if sys.argv[1] == "--emit":
        vd = load(sys.argv[2])
        with open(sys.argv[3], encoding="utf-8") as f:
            records = json.load(f)
        emit(vd, records, random.Random(int(sys.argv[4])), sys.argv[5])
        return
    vd = load(sys.argv[1])
    with open(sys.argv[2], encoding="utf-8") as f:
        records = json.load(f)
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    for record in records:
        try:
            vd.verify(copy.deepcopy(record))
            verdict = "ok -"
        except vd.Mismatch as e:
            verdict = "FAIL %s" % e.check
        if record["kind"] == "sealed" and verdict.startswith("ok"):
            m = record["rules"]["max_wins_per_customer"]
            near = vd.NEAR
            fast = vd.sealed_keys(record, record["entries"], m)
            vd.NEAR = float("inf")
            exact = vd.sealed_keys(record, record["entries"], m)
            vd.NEAR = near
            if fast != exact:
                verdict = "FAIL exact-order"
        tried = missed = 0
        missed_names = []
        for name, changed in tamperings(record, rng):
            tried += 1
            try:
                vd.verify(changed)
                missed += 1
                missed_names.append(name.replace(" ", "_"))
            except (vd.Mismatch, vd.Unreadable):
                pass
        print(record["draw_id"], verdict, tried, missed, *missed_names)


if __name__ == "__main__":
    main()
