"""How much do tokenizers disagree on the same text? (the figures quoted in explorer/core/tokens.py)

Counts a text (default: the seed essay) with the app's cl100k_base and, when the optional
``mistral-common`` (+ ``sentencepiece``) packages are installed, with the vocabularies that ship
inside mistral-common: Mistral 7B v0.1's 32k SentencePiece BPE (Llama-2's design) and Tekken
(131k, Mistral NeMo). Not part of `make bench` (it needs extra packages):

    .venv/bin/pip install mistral-common sentencepiece
    .venv/bin/python benchmarks/tokenizer_difference.py [TEXT_FILE]
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from explorer.core.features.tokens import count_tokens  # noqa: E402

SEED = Path("/work/shared/seed/why-inference-requires-exponential-compute.md")


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SEED
    text = path.read_text(encoding="utf-8")
    base = count_tokens(text)
    print(f"{path.name}: {len(text):,} characters, {len(text.split()):,} words")
    print(f"  {base.tokenizer}: {base.tokens:,} tokens ({len(text) / base.tokens:.2f} characters per token)")
    try:
        import mistral_common
        import sentencepiece
        import tiktoken
    except ImportError as exc:
        print(f"  (other tokenizers skipped: {exc.name} is not installed)")
        return 0
    data = Path(mistral_common.__file__).parent / "data"
    sp = sentencepiece.SentencePieceProcessor(model_file=str(data / "tokenizer.model.v1"))
    n = len(sp.encode(text))
    print(f"  Mistral 7B v0.1 SentencePiece BPE ({sp.get_piece_size():,}): {n:,} tokens ({n / base.tokens - 1:+.1%})")
    tk = json.loads((data / "tekken_240911.json").read_text(encoding="utf-8"))
    cfg = tk["config"]
    size = cfg["default_vocab_size"] - cfg["default_num_special_tokens"]
    ranks = {base64.b64decode(t["token_bytes"]): t["rank"] for t in tk["vocab"][:size]}
    enc = tiktoken.Encoding("tekken", pat_str=cfg["pattern"], mergeable_ranks=ranks, special_tokens={})
    n = len(enc.encode(text))
    print(f"  Mistral Tekken BPE ({cfg['default_vocab_size']:,}): {n:,} tokens ({n / base.tokens - 1:+.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
