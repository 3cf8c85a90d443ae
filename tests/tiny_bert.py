"""A seeded, randomly initialized tiny BERT saved as a local Hugging Face folder (config,
safetensors, the committed MiniLM's tokenizer files): the "bring your own model" input
of `make trace MODEL=...` in the tests.  Nothing is downloaded."""

from __future__ import annotations

import shutil
from pathlib import Path

TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")


def make_tiny_bert(path: Path, seed: int = 0, hidden: int = 128, heads: int = 4, ffn: int = 256, layers: int = 2,
                   max_position: int = 512, **config) -> Path:
    import torch
    from transformers import BertConfig, BertModel

    from models.minilm import model_dir, tokenizer

    path = Path(path)
    torch.manual_seed(seed)
    cfg = BertConfig(vocab_size=tokenizer().get_vocab_size(), hidden_size=hidden, num_attention_heads=heads,
                     intermediate_size=ffn, num_hidden_layers=layers, max_position_embeddings=max_position, **config)
    BertModel(cfg, add_pooling_layer=False).eval().save_pretrained(str(path), safe_serialization=True)
    for f in TOKENIZER_FILES:
        shutil.copy(model_dir() / f, path / f)
    return path
