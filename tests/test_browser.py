"""The linked-data pages in a real headless Chromium (Debian's chromium and chromium-driver,
through selenium): the walk of issue 9, from the landing page to the Vrbětice episode (and its timeline
picture), to Russia's expulsion of 20 Czech staff, to the Czech act it retaliates for, with
basic accessibility checks on each page."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from web_support import Served, diplograph_server, reasoned_store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped) -> Served:
    store = reasoned_store(tmp_path_factory, shipped)
    with diplograph_server(store, tmp_path_factory.mktemp("browser")) as served:
        yield served


def follow(browser, element) -> None:
    """Click a link or a submit button and wait until the next page has loaded."""
    from selenium.webdriver.support.ui import WebDriverWait

    before = browser.current_url
    element.click()
    WebDriverWait(browser, 30).until(lambda b: b.current_url != before
                                     and b.execute_script("return document.readyState") == "complete")


@pytest.fixture(scope="module")
def browser():
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("Chromium is missing: apt-get install chromium chromium-driver (CI installs them)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


#: what a reader who cannot see the page relies on, as the browser built the page
ACCESSIBILITY = """
const problems = [];
if (document.documentElement.lang !== "en") problems.push("html lang is '" + document.documentElement.lang + "'");
const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].map(h => Number(h.tagName[1]));
if (headings.filter(h => h === 1).length !== 1 || headings[0] !== 1) problems.push("not one h1 first: " + headings);
headings.forEach((h, i) => { if (i && h > headings[i - 1] + 1) problems.push("h" + h + " after h" + headings[i - 1]); });
for (const field of document.querySelectorAll("input, select, textarea")) {
  if (["hidden", "submit"].includes(field.type)) continue;
  if (!field.labels || !field.labels.length || !field.labels[0].textContent.trim()) problems.push("no label: " + field.name);
}
for (const image of document.images) {
  if (!(image.getAttribute("alt") || "").trim()) problems.push("no alt: " + image.src);
}
return problems;
"""


def accessible(browser) -> None:
    assert browser.execute_script(ACCESSIBILITY) == [], browser.current_url


def test_from_the_landing_page_to_the_act_a_retaliation_answers(server: Served, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server.url)
    assert browser.title.startswith("A knowledge graph of diplomatic relations")
    accessible(browser)
    episode = browser.find_element(By.CSS_SELECTOR, 'a[href="/id/episode/2021-vrbetice"]')
    assert "Vrbětice" in episode.text
    assert browser.find_element(By.CSS_SELECTOR, 'form[action="/queries/acts-between"]').is_displayed()
    follow(browser, episode)

    assert "Vrbětice" in browser.find_element(By.TAG_NAME, "h1").text
    timeline = browser.find_element(By.CSS_SELECTOR, "table.timeline").text
    assert "2021-04-17" in timeline and "2021-04-18" in timeline
    assert "Retaliation chain" in browser.page_source and "Coalitions" in browser.page_source
    accessible(browser)
    # the timeline picture: drawn by diplograph.plot, loaded and shown, with its text alternative
    picture = browser.find_element(By.CSS_SELECTOR, "figure.timeline-picture img")
    assert picture.get_attribute("src") == server.url + "pictures/episode/2021-vrbetice/timeline.svg"
    WebDriverWait(browser, 60).until(lambda b: b.execute_script("return arguments[0].complete", picture))
    assert browser.execute_script("return arguments[0].naturalWidth", picture) > 600
    assert picture.is_displayed() and picture.size["width"] > 300
    assert picture.get_attribute("alt").startswith("Timeline of Czech Republic–Russia expulsions")
    follow(browser, browser.find_element(By.CSS_SELECTOR, 'table.timeline a[href="/id/act/ru-expels-cz-20-2021"]'))

    assert browser.find_element(By.TAG_NAME, "h1").text == "expulsion of diplomats: RU → CZ, 2021-04-18"
    accessible(browser)
    assert browser.find_element(By.CSS_SELECTOR, "dd.actor").text == "Russia"
    assert browser.find_element(By.CSS_SELECTOR, "dd.target").text == "Czech Republic"
    sources = browser.find_elements(By.CSS_SELECTOR, "ol.sources > li")
    assert len(sources) >= 3 and all(s.find_element(By.CSS_SELECTOR, "p.summary").text for s in sources)
    explanations = browser.find_element(By.CSS_SELECTOR, "ul.explanations").text
    assert "retaliates for" in explanations
    links = browser.find_element(By.CSS_SELECTOR, "table.links")
    row = next(r for r in links.find_elements(By.CSS_SELECTOR, "tbody tr")
               if "retaliates for" in r.text and r.get_attribute("class") == "out")
    assert "inferred" in row.text
    follow(browser, row.find_element(By.CSS_SELECTOR, 'a[href="/id/act/cz-expels-ru-18-2021"]'))

    assert browser.find_element(By.TAG_NAME, "h1").text == "expulsion of diplomats: CZ → RU, 2021-04-17"
    assert browser.find_element(By.CSS_SELECTOR, "dd.actor").text == "Czech Republic"
    answered = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "table.links tbody tr.in")]
    assert any("RU → CZ, 2021-04-18" in text for text in answered)
    assert browser.current_url == server.url + "id/act/cz-expels-ru-18-2021"


def test_a_stored_query_form_runs_in_the_browser(server: Served, browser):
    from selenium.webdriver.common.by import By

    browser.get(server.url)
    form = browser.find_element(By.CSS_SELECTOR, 'form[action="/queries/acts-between"]')
    form.find_element(By.NAME, "a").send_keys("CZ")
    form.find_element(By.NAME, "b").send_keys("RU")
    form.find_element(By.NAME, "from").send_keys("2021-04-17")
    form.find_element(By.NAME, "to").send_keys("2021-04-18")
    follow(browser, form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    assert browser.find_element(By.TAG_NAME, "h1").text == "Acts between two states"
    rows = browser.find_elements(By.CSS_SELECTOR, "table.results tbody tr")
    assert len(rows) == 2 and "ru-expels-cz-20-2021" in rows[1].text


def test_a_summary_holding_a_script_shows_as_text(store_path_with_script: Path, tmp_path: Path, browser):
    from selenium.webdriver.common.by import By

    with diplograph_server(store_path_with_script, tmp_path / "server") as served:
        browser.get(served.url + "id/act/ru-expels-cz-20-2021")
        summaries = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "p.summary")]
        assert '<script>document.title = "owned"</script>' in summaries
        assert browser.title != "owned"
        assert not browser.find_elements(By.CSS_SELECTOR, "main script")


@pytest.fixture
def store_path_with_script(tmp_path_factory, shipped, tmp_path: Path) -> Path:
    import pyoxigraph as ox
    from web_support import copy_store

    from diplograph import namespaces as ns
    from diplograph.namespaces import DG, Graphs
    from diplograph.store import EmbeddedStore

    path = copy_store(reasoned_store(tmp_path_factory, shipped), tmp_path / "store")
    store = EmbeddedStore(path)
    try:
        citation = ox.NamedNode(str(ns.citation("ru-expels-cz-20-2021", "b4")))
        summary, graph = ox.NamedNode(str(DG.summary)), ox.NamedNode(str(Graphs.ASSERTED))
        for quad in list(store.engine.quads_for_pattern(citation, summary, None, graph)):
            store.engine.remove(quad)
        store.engine.add(ox.Quad(citation, summary, ox.Literal('<script>document.title = "owned"</script>',
                                                                language="en"), graph))
    finally:
        store.close()
    return path
