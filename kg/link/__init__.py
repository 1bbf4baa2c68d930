"""Article-event links: how likely an article reports an event (``score``, pure), and the
candidates found in the store and the links written back (``find``). Same-event links: whether
two event nodes are one real event (``same_event``, pure), and the event cards read by date
and the links written back (``same_event_store``)."""
