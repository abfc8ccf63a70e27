"""Dockable panels. Each edits a few Scenario fields through the ScenarioStore and
refreshes itself (signals blocked) when the store changes."""
