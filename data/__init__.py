"""The data layer: schema, engine, settings, importer and demo generator."""
