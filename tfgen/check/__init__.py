"""`tfgen check`: the conformance checker.

loader (the only python-hcl2 user) -> source blocks -> evaluator -> model -> rules -> runner
(root modules, policy) -> tfgen.report. Rules read only `tfgen.check.model`, so the plan reader
(tfgen.plan) can fill the same model from `terraform show -json`.
"""
