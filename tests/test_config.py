import pytest

from stance.experiment.config import load_config, to_flat_params
from stance.errors import StanceError


def write(tmp_path, text):
    path = tmp_path / "exp.yaml"
    path.write_text(text)
    return path


def test_loads_a_valid_config_into_dataclasses(tmp_path):
    config = load_config(write(tmp_path, "name: x\nseed: 3\ndata: {train_provenance: [gold]}\n"
                                         "model: {type: tfidf-logreg, params: {C: 2}}\n"))
    assert config.seed == 3 and config.data.train_provenance == ("gold",)
    assert config.model.params == {"C": 2}
    assert to_flat_params(config)["data.train_provenance"] == "gold"


@pytest.mark.parametrize("body, message", [
    ("name: x\nmodel: {type: majority}\nsed: 3\n", r"exp\.yaml: unknown key 'sed'"),
    ("name: x\nmodel: {type: majority}\nseed: three\n", r"exp\.yaml\.seed: expected int"),
    ("name: x\nmodel: {type: nope}\n", r"model\.type: unknown model 'nope'"),
    ("name: x\nmodel: {type: tfidf-logreg, params: {C: high}}\n", r"model\.params\.C: expected float"),
    ("name: x\nmodel: {type: tfidf-logreg, params: {gamma: 1}}\n", r"model\.params: unknown key 'gamma'"),
    ("name: x\nmodel: {type: majority}\ndata: {train_provenance: [silver]}\n", r"'silver' is not one of"),
    ("name: x\nmodel: {type: majority}\ndata: {corpora: [reddit]}\n", r"unknown corpus 'reddit'"),
    ("model: {type: majority}\n", r"missing required key 'name'"),
    ("name: [unclosed\n", r"not valid YAML"),
    ("- just\n- a list\n", r"expected a mapping"),
])
def test_bad_configs_name_the_file_and_key(tmp_path, body, message):
    with pytest.raises(StanceError, match=message):
        load_config(write(tmp_path, body))


def test_missing_config_file(tmp_path):
    with pytest.raises(StanceError, match="config file not found"):
        load_config(tmp_path / "absent.yaml")


def test_every_shipped_config_is_valid():
    from pathlib import Path

    import yaml

    root = Path(__file__).resolve().parents[1]
    suites = yaml.safe_load((root / "experiments" / "suites.yaml").read_text())
    for paths in suites.values():
        for path in paths:
            load_config(root / path)
