"""The highway: memory bandwidth as lanes of traffic (the model lives in explorer.core.highway.traffic)."""
