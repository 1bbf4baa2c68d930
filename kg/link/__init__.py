"""Article-event links: how likely an article reports an event (``score``, pure), and the
candidates found in the store and the links written back (``find``)."""
