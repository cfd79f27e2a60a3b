"""What a scanner does to a sheet, as pure transforms of pictures, in the order it
happens: the sheet lies skewed and shifted on the glass, it is sampled at the scanner's
resolution, paper and ink come out as grey levels rather than white and black, the
stack may have gone in sideways or upside down, the lamp lights it unevenly, the optics
blur it, the sensor adds noise and dust, and the scanner saves it as JPEG."""

from __future__ import annotations

import io
import math

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image
from scipy import ndimage

from benchmarks.scans.settings import Lighting, PagePlan, ScanSettings

# pages are drawn at this multiple of the scan's resolution, then averaged down, so that
# skew is applied to the sheet before sampling as in a scanner, not to a scanned picture
SUPERSAMPLE = 2

Pixels = npt.NDArray[np.float32]


def picture_to_placed(
    picture: Image.Image, skew: float, shift_px: tuple[float, float]
) -> npt.NDArray[np.uint8]:
    """Given a page drawn at the supersampled resolution, return its pixels turned by
    `skew` degrees counter-clockwise about the centre and shifted by `shift_px` (right,
    down), on white paper of the same size (bicubic)."""
    pixels = np.asarray(picture)
    if skew == 0 and shift_px == (0.0, 0.0):
        return pixels
    rows, columns = pixels.shape[:2]
    matrix = np.asarray(
        cv2.getRotationMatrix2D(((columns - 1) / 2, (rows - 1) / 2), skew, 1.0), np.float64
    )
    matrix[:, 2] += np.asarray(shift_px, np.float64)
    white = (255, 255, 255)
    placed = cv2.warpAffine(
        pixels,
        matrix,
        (columns, rows),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=white,
    )
    return np.asarray(placed, np.uint8)


def picture_to_sampled(pixels: npt.NDArray[np.uint8]) -> Pixels:
    """Given a supersampled page's pixels, return them at the scan's resolution (each the
    mean of the light falling on it), 0–1, shaped (rows, columns[, channels])."""
    rows, columns = pixels.shape[:2]
    size = (-(-columns // SUPERSAMPLE), -(-rows // SUPERSAMPLE))
    sampled = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    return sampled.astype(np.float32) / np.float32(255.0)


def pixels_to_toned(pixels: Pixels, paper: tuple[float, ...], ink: tuple[float, ...]) -> Pixels:
    """Given pixels 0–1 (1 is white), return grey levels 0–255 where white is `paper`
    and black is `ink` (one level, or one per channel)."""
    paper_levels = np.asarray(paper, dtype=np.float32)
    ink_levels = np.asarray(ink, dtype=np.float32)
    if pixels.ndim == 2:
        paper_levels, ink_levels = paper_levels[0], ink_levels[0]
    return ink_levels + (paper_levels - ink_levels) * pixels


def pixels_to_turned(pixels: Pixels, turn: int) -> Pixels:
    """Given a picture, return it turned by `turn` degrees counter-clockwise (a multiple
    of 90: a sheet fed sideways or upside down); no pixel is resampled."""
    return np.ascontiguousarray(np.rot90(pixels, k=(turn // 90) % 4, axes=(0, 1)))


def pixels_to_lit(pixels: Pixels, lighting: Lighting) -> Pixels:
    """Given grey levels, return them lit by a lamp that loses `lighting.depth` of its
    light towards one side of the scanner's picture (a smooth, slightly curved ramp)."""
    if lighting.depth <= 0:
        return pixels
    rows, columns = pixels.shape[:2]
    y, x = np.mgrid[0:rows, 0:columns].astype(np.float32)
    along = x / columns * math.cos(lighting.direction) + y / rows * math.sin(lighting.direction)
    ramp = (along - along.min()) / max(float(along.max() - along.min()), 1e-6)
    light = 1.0 - lighting.depth * ramp**1.5
    return pixels * (light if pixels.ndim == 2 else light[..., None])


def pixels_to_blurred(pixels: Pixels, sigma: float) -> Pixels:
    """Given grey levels, return them blurred by a Gaussian of `sigma` pixels."""
    if sigma <= 0:
        return pixels
    sigmas = (sigma, sigma) if pixels.ndim == 2 else (sigma, sigma, 0.0)
    return ndimage.gaussian_filter(pixels, sigma=sigmas, mode="nearest")


def pixels_to_noisy(pixels: Pixels, sigma: float, specks: int, seed: int) -> Pixels:
    """Given grey levels, return them with Gaussian sensor noise of `sigma` levels and
    `specks` small dark dust specks, drawn from `seed`."""
    if sigma <= 0 and specks == 0:
        return pixels
    rng = np.random.default_rng(seed)
    out = pixels + rng.normal(0.0, sigma, pixels.shape).astype(np.float32) if sigma else pixels
    rows, columns = pixels.shape[:2]
    for _ in range(specks):
        radius = rng.uniform(0.6, 1.6)
        cy, cx = rng.uniform(0, rows), rng.uniform(0, columns)
        y0, y1 = max(int(cy - 2), 0), min(int(cy + 3), rows)
        x0, x1 = max(int(cx - 2), 0), min(int(cx + 3), columns)
        y, x = np.mgrid[y0:y1, x0:x1]
        cover = np.clip(radius + 0.5 - np.hypot(y - cy, x - cx), 0.0, 1.0).astype(np.float32)
        darker = rng.uniform(60.0, 160.0) * cover
        out[y0:y1, x0:x1] -= darker if pixels.ndim == 2 else darker[..., None]
    return out


def pixels_to_jpeg(pixels: Pixels, quality: int, dpi: int) -> bytes:
    """Given grey levels (or RGB levels), return them as a baseline JPEG file of that
    quality that records its resolution."""
    levels = np.clip(np.rint(pixels), 0, 255).astype(np.uint8)
    picture = Image.fromarray(levels)  # (rows, columns) is grey, (…, 3) is RGB
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=quality, dpi=(dpi, dpi))
    return buffer.getvalue()


def page_to_jpeg(picture: Image.Image, plan: PagePlan, settings: ScanSettings) -> bytes:
    """Given a page drawn at `SUPERSAMPLE` × the scan's resolution and its sheet's plan,
    return the scanner's JPEG of it."""
    per_mm = settings.dpi * SUPERSAMPLE / 25.4
    shift = (plan.shift_mm[0] * per_mm, plan.shift_mm[1] * per_mm)
    pixels = picture_to_sampled(picture_to_placed(picture, plan.skew, shift))
    pixels = pixels_to_toned(pixels, plan.paper, plan.ink)
    pixels = pixels_to_turned(pixels, plan.turn)
    pixels = pixels_to_lit(pixels, plan.lighting)
    pixels = pixels_to_blurred(pixels, settings.blur)
    pixels = pixels_to_noisy(pixels, settings.noise, plan.specks, plan.noise_seed)
    return pixels_to_jpeg(pixels, settings.jpeg_quality, settings.dpi)
