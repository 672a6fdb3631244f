"""`tfgen update`: evolve a rendered stack after its answers change or tfgen improves, keeping edits.

`merge.py` decides per file (three-way merge of the last render, the files on disk and the new
render); `impact.py` says what an answers change does to running infrastructure; `markers.py`
finds conflict markers a merge left, for update and check to refuse. The command is
`tfgen.commands.update`; writing goes through `tfgen.render.write`'s transaction.
"""
