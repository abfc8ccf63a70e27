"""Inference Scaling Explorer: see why LLM inference gets so expensive."""

APP_NAME = "Inference Scaling Explorer"
APP_ID = "inference-explorer"


def __getattr__(name: str):
    # The version comes from one source, the package metadata (pyproject.toml). Looked up
    # lazily: importlib.metadata costs ~30 ms, which the CLI's cold start cannot afford.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version(APP_ID)
        except PackageNotFoundError:  # a source tree that is not installed
            return "0+unknown"
    raise AttributeError(name)
