"""Running things: one job per command with one deadline, limits, and files written safely.

:mod:`.jobs` runs a command's work in one supervised child with one deadline and turns
signals into clean exits; :mod:`.limits` bounds the time and memory of searches (forked where
they can be stopped); :mod:`.files` writes outputs through a private staging folder and puts
them in place in one step; :mod:`._startup` quiets signals while the command line starts.
This layer knows nothing of the mathematics: the kernel and the command line hand it work.
It has no public names of its own; it is imported by the layers above.
"""
