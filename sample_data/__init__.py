"""The bundled Kunming sample: ``kunming.gpkg`` and ``builtup_<year>.tif`` rasters (see README.md)."""
