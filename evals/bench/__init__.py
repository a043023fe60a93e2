"""The benchmark behind `groundwork bench`: ingest and query speed, cold start, llama.cpp.

``run`` assembles the figures from ``corpus`` (inputs), ``ingest``, ``query``, ``startup``
(cold start and the CLI), ``llm`` and ``report`` (targets and the table); ``cli`` is the command.
"""
