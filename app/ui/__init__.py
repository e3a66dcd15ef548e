"""The Qt face of Softfocus: it only wires the Qt-free pipeline (app.live) to widgets."""
