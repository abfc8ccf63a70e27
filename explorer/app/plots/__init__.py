"""Live pyqtgraph views. Each subscribes to the ScenarioStore, asks explorer.core.engine.series for
arrays, and updates items created once (``setData``); none computes a formula itself."""
