"""sgr_lora: the reference PyTorch trainer shipped with SGR Workbench.

A small character-level causal transformer, pre-trained as a language model on
text-to-SQL rows, then fine-tuned with LoRA on the attention projections. Run it as
`python -m sgr_lora <pretrain|finetune|eval|merge> ...`; see docs/trainer.md.
"""

__version__ = "0.1.0"
