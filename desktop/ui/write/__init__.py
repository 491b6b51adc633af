"""The Write panel: draw or open a character and watch the models recognise it."""
