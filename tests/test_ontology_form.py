"""The ontology is committed in rdflib's longturtle form, so that diffs stay readable."""

from diplograph.tools.normalise_ontology import main


def test_ontology_is_committed_in_longturtle_form():
    assert main(["--check"]) == 0, "run: python -m diplograph.tools.normalise_ontology"
