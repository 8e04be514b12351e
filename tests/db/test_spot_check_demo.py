"""The demo's drawn spot-check, downloaded as the public page offers it, re-run two other ways: by the steps of
docs/spot-checks.md alone (hashlib + json by hand) and with `sha256sum` in a shell for the seed."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from db.demo import spot_checks as demo
from db.demo.seed import seed_demo
from db.spotcheck import reads
from db.store.engine import make_engine
from db.store.migrate import upgrade
from tests.core.test_spot_check_doc import by_the_page
from tests.db.test_spot_checks import keygen_in_memory


@pytest.fixture(scope="module")
def demo_draw(tmp_path_factory) -> dict:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    upgrade(engine)
    seed_demo(engine=engine)
    content = reads.draw_file(engine, demo.PAST_PLAN, keygen_in_memory())
    shown = reads.public_plans(engine)
    engine.dispose()
    return {"file": json.loads(content), "shown": shown}


def test_the_demo_draw_is_reproduced_byte_for_byte_from_the_documented_steps(demo_draw):
    published = demo_draw["file"]
    by_hand = by_the_page(published["plan"], published["secret"], published["public_value"])
    assert by_hand["seed"] == published["seed"]
    assert json.dumps(by_hand["drawn"], ensure_ascii=False) == json.dumps(published["drawn"], ensure_ascii=False)
    past = next(p for p in demo_draw["shown"] if p["plan_id"] == demo.PAST_PLAN)
    assert [r["credit_code"] for r in past["drawn"]["rows"]] == [d["credit_code"] for d in by_hand["drawn"]]
    assert len(by_hand["drawn"]) == 6 and {r["outcome"] for r in past["drawn"]["rows"]} == {"clear", "found"}
    pending = [p for p in demo_draw["shown"] if p["drawn"] is None]
    assert len(pending) == 1 and "secret" not in json.dumps(pending, default=str)


def test_sha256sum_in_a_shell_gives_the_demo_seed(demo_draw, tmp_path):
    published = demo_draw["file"]
    jcs = json.dumps(published["plan"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    (tmp_path / "input").write_bytes(jcs + b"|" + published["secret"].encode("ascii") + b"|"
                                     + published["public_value"].encode("utf-8"))
    shell = shutil.which("sh")
    out = subprocess.run([shell, "-c", "sha256sum input | cut -d ' ' -f 1"], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == published["seed"]
    secret = subprocess.run([shell, "-c", f"printf '%s' {published['secret']} | xxd -r -p | sha256sum | cut -c1-64"],
                            capture_output=True, text=True, check=True).stdout.strip()
    assert secret == published["plan"]["commitment"]
