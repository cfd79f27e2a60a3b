"""The diff page, `diff.html`, in the same headless chromium as the review report: it
loads without console errors, is in Italian, each change in its list links to the
section of its objective, and the review report of a plan links to its diff."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from test_review_browser import browser, console_errors

from pipeline import cli

__all__ = ["browser"]  # the fixture, shared with the review report's test


@pytest.fixture(scope="module")
def diff_page(extracted: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`piano diff` from the July to the November plan; return its diff.html."""
    out = tmp_path_factory.mktemp("diffs") / "desenzano-2021-07__desenzano-2021-11"
    old, new = extracted["desenzano-2021-07"], extracted["desenzano-2021-11"]
    assert cli.main(["diff", str(old), str(new), "--out", str(out)]) == 0
    return out / "diff.html"


def test_diff_page_loads_in_italian_and_a_change_links_to_its_objective(
    browser: WebDriver, diff_page: Path
):
    driver = browser
    driver.get(diff_page.as_uri())
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "it"
    assert "variazioni" in driver.title
    assert console_errors(driver) == []
    links = driver.find_elements(By.CSS_SELECTOR, "#elenco + table a[href^='#obiettivo-']")
    assert len(links) > 10
    link = links[-1]
    anchor = str(link.get_attribute("href")).split("#", 1)[1]
    old_id, new_id = (part.strip() for part in link.text.split("→"))
    link.click()
    assert driver.current_url.endswith(f"#{anchor}")
    section = driver.find_element(By.ID, anchor)
    assert section.tag_name == "section"
    assert f"{old_id} → {new_id}" in section.find_element(By.TAG_NAME, "h3").text
    # the section is scrolled into view
    top, height = driver.execute_script(
        "return [arguments[0].getBoundingClientRect().top, window.innerHeight]", section
    )
    assert 0 <= top < height
    assert console_errors(driver) == []


def test_diff_page_highlights_removed_and_added_words(browser: WebDriver, diff_page: Path):
    driver = browser
    driver.get(diff_page.as_uri())
    assert driver.find_elements(By.CSS_SELECTOR, "section.change del")
    assert driver.find_elements(By.CSS_SELECTOR, "section.change ins")
    colour = driver.execute_script(
        "return getComputedStyle(document.querySelector('section.change ins')).backgroundColor"
    )
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")  # the style sheet loaded


def test_review_summary_links_to_the_diff_of_its_plan(
    browser: WebDriver, extracted: dict[str, Path], diff_page: Path, tmp_path: Path
):
    old, new = extracted["desenzano-2021-07"], extracted["desenzano-2021-11"]
    pair = diff_page.parent
    params = tmp_path / "params.yaml"
    params.write_text(
        yaml.safe_dump({"diffs": {pair.name: {"old": old.name, "new": new.name}}}), "utf-8"
    )
    report = tmp_path / "reports" / new.name
    args = ["review", new.name, "--extracted-root", str(new.parent), "--params", str(params)]
    args += ["--source", str(ROOT / "sources" / "desenzano-2021-11.pdf"), "--out", str(report)]
    assert cli.main([*args, "--diffs-root", str(pair.parent)]) == 0
    driver = browser
    driver.get((report / "index.html").as_uri())
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "it"
    link = driver.find_element(By.CSS_SELECTOR, "#diffs + ul a")
    assert link.text == f"{old.name} → {new.name}"
    link.click()
    assert driver.current_url == diff_page.as_uri()
    assert driver.find_elements(By.CSS_SELECTOR, "section.change")
    assert console_errors(driver) == []
