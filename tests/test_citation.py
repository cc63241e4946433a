"""CITATION.cff, LICENSE (code) and LICENSE-DATA (records and graph) say the same as the package
and the exports: version 0.1.0, code Apache-2.0, data CC BY 4.0."""

from __future__ import annotations

from pathlib import Path

import yaml

import diplograph
from diplograph.export import LICENCE

REPO = Path(__file__).resolve().parents[1]


def test_citation_file_names_diplograph_its_version_and_licences():
    citation = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0"
    assert citation["title"] == "Diplograph"
    assert citation["version"] == diplograph.__version__
    assert citation["authors"] == [{"name": "Diplograph developers"}]
    assert citation["license"] == "CC-BY-4.0"
    assert "Apache License 2.0" in citation["message"] and "CC BY 4.0" in citation["message"]


def test_code_licence_is_the_apache_2_text():
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'license = "Apache-2.0"' in pyproject


def test_data_licence_is_the_one_every_export_states():
    text = (REPO / "LICENSE-DATA").read_text(encoding="utf-8")
    assert "CC BY 4.0" in text and str(LICENCE) in text
    assert "records/" in text and "export" in text
