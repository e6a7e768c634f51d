"""The streaming release calendar's library: catalog schema, loading, filters, views, exports."""

import os

# Arrow's allocator (mimalloc) keeps memory it freed for a second before giving it back, so the
# steps of a load reuse it instead of faulting it in afresh (docs/scaling.md: "Why the code is
# as it is"); what a load or a view leaves is still released at its end. Read as pyarrow loads.
os.environ.setdefault("MIMALLOC_PURGE_DELAY", "1000")
