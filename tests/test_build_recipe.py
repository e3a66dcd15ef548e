"""The person-model build passes the shipped recipe to each step (commands recorded, not run)."""

import json
from types import SimpleNamespace

from softfocus.training.people import build


def recorded_build(tmp_path, monkeypatch, *options, photos_made=True, composites_seed=build.SEED):
    """Each step's command, by its name (a softfocus-train verb or a module's last part); the
    data on disk holds 2,000 composites made with ``composites_seed``."""
    commands = []
    monkeypatch.setattr(build, "run", lambda command, **_: commands.append(command))
    monkeypatch.setattr(build, "run_logged", lambda command, log: commands.append(command))
    monkeypatch.setattr(build, "real_photos_match", lambda manifest, args: photos_made)
    monkeypatch.setattr(
        build.subprocess, "run", lambda *a, **k: SimpleNamespace(stdout="")
    )  # the pipeline benchmark
    (tmp_path / "data").mkdir(parents=True)
    made = {"seed": composites_seed, "train_composites": 2000}
    (tmp_path / "data" / "manifest.json").write_text(json.dumps(made))
    (tmp_path / "run").mkdir()  # an earlier fit
    argv = ["--data", str(tmp_path / "data"), "--run-dir", str(tmp_path / "run")]
    argv += ["--output", str(tmp_path / "person.onnx"), "--sources-dir", str(tmp_path / "none")]
    assert build.main([*argv, *options]) == 0
    named = (c for c in commands if len(c) > 3)
    return {
        str(c[3] if c[2] == "softfocus.training" else c[2]).split(".")[-1]: [str(x) for x in c]
        for c in named
    }


def test_the_default_build_is_the_shipped_recipe(tmp_path, monkeypatch):
    steps = recorded_build(tmp_path, monkeypatch, photos_made=False)
    fit, export = steps["fit"], steps["export"]
    assert fit[fit.index("--loss") + 1] == build.LOSS == "hard_edge_bce_dice"
    assert export[export.index("--logit-scale") + 1] == str(build.LOGIT_SCALE) == "2.5"
    assert "--int8" in export
    assert steps["real_photos"][steps["real_photos"].index("--match-detail") + 1] == "1.0"
    assert fit[fit.index("--seed") + 1] == str(build.SEED) == "1"


def test_gen10s_data_is_one_option_away(tmp_path, monkeypatch):
    steps = recorded_build(tmp_path, monkeypatch, "--match-detail", "0", photos_made=False)
    assert "--match-detail" not in steps["real_photos"]


def test_the_previous_recipe_is_two_options_away(tmp_path, monkeypatch):
    steps = recorded_build(tmp_path, monkeypatch, "--loss", "edge_bce_dice", "--logit-scale", "1")
    assert steps["fit"][steps["fit"].index("--loss") + 1] == "edge_bce_dice"
    assert steps["export"][steps["export"].index("--logit-scale") + 1] == "1.0"


def test_the_data_on_disk_is_reused_only_for_the_seed_that_made_it(tmp_path, monkeypatch):
    """``--seed 0`` where seed 1's data lies remakes the composites, as a build from nothing
    would, and drops the old fit; the same seed keeps both."""
    steps = recorded_build(tmp_path, monkeypatch, "--seed", "0", composites_seed=1)
    assert steps["prepare"][steps["prepare"].index("--seed") + 1] == "0"
    assert not (tmp_path / "run").exists()
    steps = recorded_build(tmp_path / "again", monkeypatch, "--seed", "1", composites_seed=1)
    assert "prepare" not in steps and "real_photos" not in steps
    assert (tmp_path / "again" / "run").exists()
