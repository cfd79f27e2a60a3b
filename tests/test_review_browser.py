"""The review report in a real headless browser (Debian's chromium, driven by Selenium
through Debian's chromedriver, both installed by scripts/setup): it loads without
console errors, the summary's links reach an objective, and its crop shows.

The browser's screenshot of an objective page goes to the test's temporary folder, or to
the file `PIANO_REVIEW_SCREENSHOT` names (to keep it as a CI artefact).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By

CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1400,1300",
)


def browser_paths() -> tuple[str, str]:
    """Return chromium's and chromedriver's paths; without them skip on a developer's
    machine, but fail in CI, where scripts/setup must have installed them."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    message = "chromium and chromium-driver are not installed (bash scripts/setup)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebDriver]:
    """A headless chromium with a fresh profile, logging the pages' console."""
    chromium, driver_path = browser_paths()
    options = Options()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(driver_path))
    try:
        yield driver
    finally:
        driver.quit()


def console_errors(driver: WebDriver) -> list[str]:
    """Given the driver, return the console messages of level SEVERE since last asked
    (script errors, resources that failed to load)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def test_report_loads_links_reach_an_objective_and_its_crop_shows(
    browser: WebDriver, review_report: Path, tmp_path: Path
):
    driver = browser
    driver.get((review_report / "index.html").as_uri())
    assert "Review: desenzano-2021-11" in driver.title
    assert console_errors(driver) == []
    # the first warning in the findings list links to its objective's page
    link = driver.find_element(By.CSS_SELECTOR, "#findings-warning + table a[href$='.html']")
    objective_id = link.text
    link.click()
    assert driver.current_url.endswith(f"/{objective_id}.html")
    heading = driver.find_element(By.CSS_SELECTOR, "h1#objective")
    assert heading.text.startswith(objective_id)
    image = driver.find_element(By.CSS_SELECTOR, "figure img")
    natural_width = driver.execute_script(
        "return arguments[0].complete ? arguments[0].naturalWidth : 0", image
    )
    assert natural_width > 0
    assert console_errors(driver) == []
    screenshot = Path(os.environ.get("PIANO_REVIEW_SCREENSHOT") or tmp_path / "review.png")
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(screenshot))


def test_summary_links_reach_every_sector_and_back(browser: WebDriver, review_report: Path):
    driver = browser
    driver.get((review_report / "index.html").as_uri())
    anchors = driver.find_elements(By.CSS_SELECTOR, "#by-sector + table a[href^='#']")
    assert len(anchors) >= 10
    for anchor in anchors:
        target = str(anchor.get_attribute("href")).split("#", 1)[1]
        assert driver.find_elements(By.ID, target), target
    driver.get((review_report / "01.01.html").as_uri())
    driver.find_element(By.PARTIAL_LINK_TEXT, "summary").click()
    assert "index.html#" in driver.current_url
    assert console_errors(driver) == []
