"""The accuracy benchmark: retrieval accuracy vs computation of the golden models.

* :mod:`.corpus`        the evaluation corpus (prose of the standard library's docstrings)
* :mod:`.datasets`      the evaluation, calibration and allocation texts, the bench input
* :mod:`.retrieval`     retrieval metrics, confidence intervals, McNemar
* :mod:`.embed_eval`    sentence embeddings of many texts under many schedules at once
* :mod:`.cli`           ``make accuracy`` (``python -m models.accuracy``)
* :mod:`.allocate`      ``make schedule``: the greedy per-layer SPLS allocator
* :mod:`.train_corpus`  the distillation training corpus (pinned packages' docstrings)
* :mod:`.finetune`      ``make finetune``: sparsity-aware distillation (LoRA delta)

It builds on the golden models (``models/*.py``); they take from it only the texts
(:mod:`.datasets`, :mod:`.corpus`): the integer models are calibrated on texts of this
corpus that the evaluation never sees.  Nothing is imported here, so that reading the
texts does not load the benchmark.
"""
