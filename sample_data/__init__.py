"""The bundled Kunming sample: ``kunming.gpkg`` and ``builtup_2023.tif`` / ``builtup_2025.tif``.

Real district boundaries and catalogue attributes, synthetic parks, parcels,
buildings, three-line layers, roads, rivers, tables and rasters, all in
CGCS2000 / 3-degree Gauss-Krüger CM 102E (EPSG:4543). ``README.md`` beside this
file lists what is real, what is drawn and the deliberate test cases;
``build_sample.py`` rebuilds the files. Use :func:`landkit.sample_data_path`.
"""
