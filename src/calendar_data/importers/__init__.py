"""Importers that turn third-party listings into catalog releases."""
