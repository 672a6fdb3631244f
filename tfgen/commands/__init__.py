"""One module per sub-command group. Each imports its heavy dependencies inside the command
function, so `tfgen --version` and `tfgen --help` start without loading them."""
