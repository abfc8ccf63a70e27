"""Runtime profiles: what the software adds to the physics.

The same GPU runs the same model at very different speeds under llama.cpp, MLX, vLLM,
TensorRT-LLM or eager PyTorch. A :class:`Runtime` names the causes, each a parameter with its
source in ``explorer/data/runtimes.toml``:

- ``eta_memory[category]`` — achieved ÷ peak bandwidth of the runtime's decode mat-vec
  kernels on that class of device (Little's law: a kernel design keeps a fixed number of bytes
  in flight; HBM's longer latency needs more of them than a GeForce card's GDDR);
- ``eta_compute[category]`` — achieved ÷ dense peak FLOP/s of its large prefill GEMMs;
- ``gemm_half_tokens`` — small-GEMM efficiency: a GEMM over M tokens reaches M/(M + M½) of
  the large-GEMM rate (under-filled tiles and waves);
- ``fp16_accumulate`` — whether its FP16 matmuls accumulate in FP16 (cuBLAS
  ``CUBLAS_COMPUTE_16F``), which runs at twice the FP32-accumulate rate on GeForce cards;
- ``decode_kernel_us`` / ``prefill_kernel_us`` — τ, fixed time per kernel of a forward pass
  (launch or dispatch, ramp-up and drain; small with CUDA graphs) — the count of kernels is the
  model's architecture (``physics/kernels.py``), ``pass_ms`` — fixed time per pass
  (sampling, scheduling);
- ``attention`` — ``flash`` (scores stay on chip) or ``materialised`` (the n×n scores are
  written and read back: extra memory traffic that grows with n²);
- ``custom_allreduce`` — it runs its own one-shot / two-shot all-reduce kernels where the fabric
  lets every device read every peer (vLLM, SGLang, TensorRT-LLM on NVLink), NCCL's ring elsewhere
  (the latencies and achievable bandwidth are the fabric's, in the hardware data);
- ``kv_read`` — share of that bandwidth the attention kernels reach on the KV cache (paged,
  scattered blocks; FP8 dequantization);
- ``decode_format[fmt]`` / ``prefill_format[fmt]`` — dequantization cost of a weight format,
  as a share of the FP16 kernel's effective bandwidth / throughput (prefill may exceed 1: integer
  tensor-core kernels can beat dequantize-then-FP16);
- ``decode_ops[fmt]`` — instructions the decode mat-vec kernel issues per 256 weights of a block
  format (masks, shifts, scale unpacking, conversions, FMAs; counted from the kernel source): a second
  roof beside the bandwidth (``physics/dequant.py``);
- ``decode_attn_ops_per_dim`` / ``decode_attn_ops_per_key`` — instructions the decode attention
  kernel issues per cached key and query head (per head-dim element of K and V, and fixed per key):
  its FLOP rate is then the issue rate × FLOPs per instruction where that is below the matmul rate;
- ``usable_fraction`` / ``reserve_gib`` — how much device memory it fills, where the runtime
  sets that rather than the device class (llama.cpp fills the device up to a margin; vLLM takes
  ``gpu_memory_utilization``); 0 / negative: efficiency.toml's figure for the device class;
- ``quantized_matmul`` — which path quantized weights take into the matmul: ``fused``
  (dequantized inside the kernel), ``integer`` (int8 tensor-core kernels on quantized activations)
  or ``dequantize-then-matmul`` (an FP16 copy first: extra traffic, the prefill format factor < 1);
- ``activation_quant_kernel`` — FP8 / INT8 W8A8 matmuls quantise their activations in a kernel of
  their own before each GEMM (vLLM, SGLang), counted with the layer's kernels;
- ``moe_all_to_all`` — MoE layers run expert parallel behind data-parallel attention: each sends its
  tokens to the experts' devices and back (two all-to-alls) in place of the MLP's all-reduce;
- ``max_batch`` and ``batching`` — the largest batch it schedules, static or continuous;
- ``weight_formats`` / ``kv_formats`` — the formats it can load (empty: any); outside them a
  scenario gets a warning (llama.cpp loads GGUF types, not AWQ or FP8 checkpoints).

Serving under load (explorer.core.serving) adds the scheduler's documented defaults and two fitted
costs: ``max_batch`` is the running-request limit (vLLM ``max_num_seqs``); ``max_batched_tokens`` the
per-step token budget; ``chunked_prefill`` whether a prompt is split across steps; ``prefill_mode``
"mixed" (prefill chunks ride in the decode steps) or "separate" (a prefill step runs alone, decodes
wait: prefill priority); ``block_size`` the KV block in tokens; ``memory_fraction`` the share of device
memory for weights + KV (0: the hardware category's); ``step_seq_us`` host time per running sequence
per step (scheduling, sampling, detokenising); ``request_ms`` per-request cost before its first step
(tokenising, admission); ``wave_share`` the share of a closed loop's requests whose prompts arrive
together with all the clients' (a benchmark's launch wave, kept in step by identical lengths) and
queue through the token budget; ``serving_rows`` how many measured serving rows calibrate them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from explorer.core.specs.frozen import FrozenMap

ATTENTION = ("flash", "materialised")
# How quantized weights meet the matmul: dequantized inside the matmul kernel (Marlin, TensorRT-LLM
# weight-only GEMMs, Metal mat-vec), in integer tensor-core kernels (llama.cpp MMQ), or dequantized
# to FP16 in memory first and then multiplied (cuBLAS on a converted copy).
QUANTIZED_MATMUL = ("fused", "integer", "dequantize-then-matmul")
BATCHING = ("static", "continuous")
PREFILL_MODES = ("mixed", "separate")
SCORE_PASSES = 4  # materialised attention: write scores, read+write softmax, read for ·V


class RuntimeSpecError(ValueError):
    """A runtime table that cannot be used."""


@dataclass(frozen=True)
class Runtime:
    id: str
    name: str
    description: str = ""
    devices: tuple[str, ...] = ()  # hardware categories it runs on (empty: all)
    vendors: tuple[str, ...] = ()  # device vendors it runs on (empty: all)
    eta_memory: Mapping[str, float] = field(default_factory=dict)
    eta_compute: Mapping[str, float] = field(default_factory=dict)
    gemm_half_tokens: float = 0.0
    fp16_accumulate: bool = False
    decode_kernel_us: float = 0.0
    prefill_kernel_us: float = 0.0
    pass_ms: float = 0.0
    attention: str = "flash"
    prompt_chunk: int = 512  # materialised attention: prompt tokens scored per chunk against all keys so far
    custom_allreduce: bool = False  # one-shot / two-shot all-reduce kernels where the fabric allows
    kv_read: float = 1.0  # share of the weight-stream bandwidth the attention kernels reach on the KV cache
    decode_format: Mapping[str, float] = field(default_factory=dict)
    prefill_format: Mapping[str, float] = field(default_factory=dict)
    decode_ops: Mapping[str, float] = field(default_factory=dict)  # mat-vec instructions per 256 weights
    # decode attention kernel: instructions per cached key and query head, per head-dim element and
    # fixed per key (0: no instruction roof; its FLOPs run at the matmul rate)
    decode_attn_ops_per_dim: float = 0.0
    decode_attn_ops_per_key: float = 0.0
    quantized_matmul: str = "fused"  # the path quantized weights take (QUANTIZED_MATMUL)
    usable_fraction: float = 0.0  # share of addressable device memory it fills (0: the device class's)
    reserve_gib: float = -1.0  # memory kept free per device (negative: the device class's)
    max_batch: int = 1_000_000
    batching: str = "continuous"
    max_batched_tokens: int = 8192  # per-step token budget (prefill chunk + one per decoding sequence)
    chunked_prefill: bool = True
    prefill_mode: str = "mixed"
    block_size: int = 16  # KV-cache block (page), tokens
    memory_fraction: float = 0.0  # share of device memory for weights + KV cache (0: category default)
    step_seq_us: float = 0.0  # host time per running sequence per step, µs
    request_ms: float = 0.0  # per-request cost before its first step, ms
    wave_share: float = 0.0  # closed loop: share of requests arriving in a wave with all the clients
    serving_rows: int = 0  # measured serving rows that calibrate step_seq_us / request_ms / pass_ms
    weight_formats: tuple[str, ...] = ()  # formats it can load (empty: any)
    kv_formats: tuple[str, ...] = ()
    default_for: tuple[str, ...] = ()  # hardware categories that get this runtime by default
    activation_quant_kernel: bool = False  # FP8 / W8A8 activations quantised by a kernel of their own
    moe_all_to_all: bool = False  # expert parallel with data-parallel attention: MoE layers dispatch/combine
    ideal: bool = False  # the physical limit: data-sheet peaks, no overheads, no format costs
    sources: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in ("eta_memory", "eta_compute", "decode_format", "prefill_format", "decode_ops", "sources"):
            object.__setattr__(self, name, FrozenMap(getattr(self, name)))  # read-only: shared values
        object.__setattr__(self, "devices", tuple(self.devices))
        object.__setattr__(self, "vendors", tuple(self.vendors))
        object.__setattr__(self, "default_for", tuple(self.default_for))
        object.__setattr__(self, "weight_formats", tuple(self.weight_formats))
        object.__setattr__(self, "kv_formats", tuple(self.kv_formats))
        problems = []
        if self.attention not in ATTENTION:
            problems.append(f"attention must be one of {', '.join(ATTENTION)}")
        if self.quantized_matmul not in QUANTIZED_MATMUL:
            problems.append(f"quantized_matmul must be one of {', '.join(QUANTIZED_MATMUL)}")
        if self.batching not in BATCHING:
            problems.append(f"batching must be one of {', '.join(BATCHING)}")
        for table, top in (("eta_memory", 1), ("eta_compute", 1), ("decode_format", 1), ("prefill_format", 2)):
            for k, v in getattr(self, table).items():
                if not (isinstance(v, (int, float)) and 0 < v <= top):
                    problems.append(f"{table}.{k} must be in (0, {top}] (got {v!r})")
        for k, v in self.decode_ops.items():
            if not (isinstance(v, (int, float)) and v > 0):
                problems.append(f"decode_ops.{k} must be > 0 (got {v!r})")
        if not 0 <= self.usable_fraction <= 1:
            problems.append(f"usable_fraction must be in [0, 1] (got {self.usable_fraction!r})")
        if not 0 < self.kv_read <= 1:
            problems.append(f"kv_read must be in (0, 1] (got {self.kv_read!r})")
        for name in ("gemm_half_tokens", "decode_kernel_us", "prefill_kernel_us", "pass_ms",
                     "decode_attn_ops_per_dim", "decode_attn_ops_per_key"):
            if getattr(self, name) < 0:
                problems.append(f"{name} cannot be negative")
        if self.prefill_mode not in PREFILL_MODES:
            problems.append(f"prefill_mode must be one of {', '.join(PREFILL_MODES)}")
        for name in ("max_batched_tokens", "block_size"):
            if getattr(self, name) < 1:
                problems.append(f"{name} must be ≥ 1")
        if not 0 <= self.memory_fraction <= 1:
            problems.append(f"memory_fraction must be in [0, 1] (got {self.memory_fraction!r})")
        for name in ("step_seq_us", "request_ms"):
            if getattr(self, name) < 0:
                problems.append(f"{name} cannot be negative")
        if not 0 <= self.wave_share <= 1:
            problems.append(f"wave_share must be in [0, 1] (got {self.wave_share!r})")
        if self.prompt_chunk < 1:
            problems.append("prompt_chunk must be ≥ 1")
        if self.max_batch < 1:
            problems.append("max_batch must be ≥ 1")
        if problems:
            raise RuntimeSpecError(f"runtime {self.id}: " + "; ".join(problems))

    # -- what the formulas ask -----------------------------------------------------
    def runs_on(self, category: str, vendor: str = "") -> bool:
        ok_cat = not self.devices or category in self.devices
        ok_vendor = not self.vendors or not vendor or vendor in self.vendors
        return ok_cat and ok_vendor

    def format_problems(self, weights: str, kv: str) -> list[str]:
        """Formats of a scenario this runtime cannot load (a phrase each; empty when it can)."""
        out = []
        if self.weight_formats and weights not in self.weight_formats:
            out.append(f"{self.name} does not load {weights} weights (it loads {', '.join(self.weight_formats)})")
        if self.kv_formats and kv not in self.kv_formats:
            out.append(f"{self.name} has no {kv} KV cache (it offers {', '.join(self.kv_formats)})")
        return out

    def memory_efficiency(self, category: str) -> float:
        if self.ideal:
            return 1.0
        return float(self.eta_memory.get(category) or self.eta_memory.get("default") or 0.8)

    def compute_efficiency(self, category: str) -> float:
        if self.ideal:
            return 1.0
        return float(self.eta_compute.get(category) or self.eta_compute.get("default") or 0.7)

    def format_factor(self, fmt_id: str, phase: str, fallback: float) -> float:
        """Share of the FP16 kernel's rate a weight format reaches (dequantization cost)."""
        if self.ideal:
            return 1.0
        table = self.decode_format if phase == "decode" else self.prefill_format
        return float(table.get(fmt_id, fallback))

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict
        d = asdict(self)
        for k in ("eta_memory", "eta_compute", "decode_format", "prefill_format", "decode_ops", "sources"):
            d[k] = dict(getattr(self, k))
        d["devices"], d["vendors"], d["default_for"] = list(self.devices), list(self.vendors), list(self.default_for)
        d["weight_formats"], d["kv_formats"] = list(self.weight_formats), list(self.kv_formats)
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Runtime":
        from explorer.core.specs.fields import check_fields
        check_fields(cls, data, ("id", "name"), "runtime", RuntimeSpecError)
        return cls(**data)
