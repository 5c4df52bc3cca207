"""Audio for the display: renders a call's clips with the hardware layer and plays them in turn."""
