"""Scanned plans made as office scanners and copiers make them, from any vector plan PDF
and its reference transcription: pages drawn at 150–300 dpi, in grey or colour, each sheet
a little skewed, some fed sideways or upside down (turned in the picture, no /Rotate),
blurred, noisy, unevenly lit, saved as JPEG in an image-only PDF or given a text layer by
`ocrmypdf -l ita`. Seeded: the same settings give the same pictures.

    python -m benchmarks.scans --source sources/desenzano-2021-11.pdf \\
        --reference tests/reference/desenzano-2021-11.json --pages 1-4 \\
        --dpi 150 --skew 2 --jpeg-quality 50 --blur 0.8 --noise 8 --out build/scans/one

`benchmarks/scan_matrix.py` makes and measures the whole matrix of them."""
