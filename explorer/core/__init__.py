"""The core: pure Python + numpy, never Qt. Shared by the CLI and the GUI.

Layers, top first; a module imports only from its own layer or one above it
(``tests/core/test_core_layers.py`` enforces it):

- ``io``       untrusted-file loader (caps on bytes, depth) and the atomic writer
- ``physics``  FLOPs, bytes, parallel/collectives, roofline, cost, units: numpy in, numpy out
- ``specs``    ModelSpec, HardwareSpec, NumberFormat, Runtime; presets; model import; field checks
- ``state``    Scenario, AppState/ViewState, edit rules and view rules, undo texts, settings data
- ``engine``   Scenario -> numbers: resolve, step costs, estimate, series, sweep, Results, bands
- ``serving``  requests under load: scheduler, mixed-batch steps, steady state, simulation, planner
- ``highway``  the highway picture: lanes of bandwidth, requests as cars (the serving model)
- ``text``     numbers -> words: report, inspector, A/B sentence, figure captions
- ``features`` tours, validation against measurements, tokens of a text, ViewResults (Results + the
               figures of the layers above engine that views show)
"""

LAYERS = ("io", "physics", "specs", "state", "engine", "serving", "highway", "text", "features")
