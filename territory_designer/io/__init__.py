"""File formats: the project file, geography import, the demo project, recovery files."""
