"""Draw the installable app's icons from the site's mark (static/img/favicon.svg: a white
house on the union red), so nothing comes from a CDN or an icon generator website.

    python deploy/make_icons.py   # writes static/img/pwa/*.png; commit them

Drawn with Pillow at 4x and scaled down (smooth edges without an SVG renderer). The
maskable icon keeps the house inside the central 80 % "safe zone" Android may crop to.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

OUT = Path(__file__).resolve().parents[1] / "static" / "img" / "pwa"
RED = (200, 22, 29, 255)  # --red of portal.css
WHITE = (255, 255, 255, 255)
# The favicon's house, in its 32-unit box.
HOUSE = [(16, 6), (5, 15), (8, 15), (8, 25), (14, 25), (14, 19), (18, 19), (18, 25), (24, 25)]
HOUSE += [(24, 15), (27, 15)]
SUPERSAMPLE = 4


def draw_icon(size: int, *, maskable: bool = False) -> Image.Image:
    big = size * SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if maskable:
        draw.rectangle((0, 0, big, big), fill=RED)  # full bleed: the launcher draws the shape
        scale, offset = big * 0.7 / 32, big * 0.15
    else:
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 7 / 32, fill=RED)
        scale, offset = big / 32, 0.0
    draw.polygon([(offset + x * scale, offset + y * scale) for x, y in HOUSE], fill=WHITE)
    return image.resize((size, size), Image.Resampling.LANCZOS)


ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "icon-maskable-512.png": (512, True),
    # iOS ignores transparency and rounds the corners itself: a full square.
    "apple-touch-icon-180.png": (180, True),
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (size, maskable) in ICONS.items():
        draw_icon(size, maskable=maskable).save(OUT / name, optimize=True)
        print(OUT / name)


if __name__ == "__main__":
    main()
