"""The magazine's date and time formats, by language (FORMAT_MODULE_PATH in the settings)."""
