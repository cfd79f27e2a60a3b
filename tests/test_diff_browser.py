"""The diff page, `diff.html`, in the same headless chromium as the review report: it
loads without console errors, is in Italian, and each change in its list links to the
section of its objective."""

from __future__ import annotations

from pathlib import Path

import pytest
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
