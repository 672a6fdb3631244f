"""Ways into tfgen from other tools' descriptions of an app: each writes an answers file and a
report of what it carried over (`tfgen import ...`)."""
