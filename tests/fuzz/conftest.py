"""Print the fuzz tallies at the end of the run (``make fuzz`` quotes them)."""


def pytest_terminal_summary(terminalreporter):
    import fuzz_inputs

    if fuzz_inputs.COUNTS:
        terminalreporter.write_line("fuzz counts: " + ", ".join(
            f"{k}: {v:,}" for k, v in sorted(fuzz_inputs.COUNTS.items())))
