"""The Serving tab (TTFT/ITL, throughput, batch and KV occupancy against load, with the knee and
the latency target) and the deployment planner. Every figure comes from explorer.core.serving."""
