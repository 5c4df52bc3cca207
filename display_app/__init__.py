"""The waiting-room call display as a PySide6 app (`aufruf display`)."""
